"""Output: publishing into OUT, the render cache, and the machine-readable exports."""
