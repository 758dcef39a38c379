"""The build's store: the build lock, the render cache, staging and the atomic publish into OUT."""
