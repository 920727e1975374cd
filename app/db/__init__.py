"""Database tables (one module) and engine/session handling."""
