"""Studio: the web portal, served at /studio/, and the offline API docs at /docs."""
