"""Photos: reduced-scale decodes, renditions in the cache, and what the pixels say."""
