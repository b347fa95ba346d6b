"""HTTP routes grouped by who calls them; each function's app includes the routers it serves."""
