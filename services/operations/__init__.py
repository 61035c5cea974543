"""Operating the service: start-up under a lock, the demo seed, backup and restore."""
