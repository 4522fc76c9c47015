"""The result types, each whole in its own module, and their JSON documents."""
