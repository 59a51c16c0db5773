"""The web surfaces: FastAPI app, REST API, Gradio chat, embed page, security middleware."""
