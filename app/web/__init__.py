"""The web layer: FastAPI plumbing shared by every router (problem rendering,
dependencies, request middleware). Nothing below the routers imports it."""
