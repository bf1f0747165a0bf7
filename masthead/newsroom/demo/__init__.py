"""The demo newsroom: content we wrote, media we drew, and the loader behind `load_demo`."""
