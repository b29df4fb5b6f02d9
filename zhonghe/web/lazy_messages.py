"""Django's message middleware, minus its cost on requests that never look at messages.

MessageMiddleware builds the storage (cookie, then session) on every request. Here the storage is built
the first time something uses it (a view adding a message, a template listing them); a response whose
request never touched it has nothing to save, so nothing is done. API calls and cached public pages pay
nothing; pages that show messages behave exactly as before.
"""

from __future__ import annotations

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
