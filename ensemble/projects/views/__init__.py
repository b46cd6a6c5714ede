"""Projects pages, one module per concept: projects, calls, review, event mode."""
