"""The app service (ASGI): health, the NLG hook for Rasa, and the channels."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from bot.channels import chat_api
from bot.channels.rasa_client import RasaClient
from bot.db.session import make_engine, make_session_factory
from bot.i18n.catalogs import MessageCatalogs
from bot.nlg import endpoint as nlg_endpoint
from bot.nlg.renderer import Renderer
from bot.nlg.responses import load_responses
from bot.settings import Settings, load_settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    catalogs = MessageCatalogs()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.rasa.close()
        engine.dispose()

    app = FastAPI(title="Wegwijs app service", lifespan=lifespan)
    app.state.settings = settings
    app.state.catalogs = catalogs
    app.state.renderer = Renderer(load_responses(), catalogs, settings.default_language)
    app.state.sessions = make_session_factory(engine)
    app.state.rasa = RasaClient(settings.rasa_url)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "app"}

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = sorted({str(item["loc"][-1]) for item in error.errors() if item.get("loc")})
        return JSONResponse(
            {"error": "invalid request", "fields": fields},
            status_code=422,
        )

    app.include_router(nlg_endpoint.router)
    app.include_router(chat_api.router)
    return app
