"""Getting the bytes of a source: web pages over HTTP, pages through a headless browser, local files."""
