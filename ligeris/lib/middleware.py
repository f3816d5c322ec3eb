"""Responses that no shared or browser cache may keep.

Nearly every page carries one partner's data (its shares, titres, minutes, votes), and the ones that
do not are cheap to render: every response our views send is `private, no-store`, so neither a proxy
nor the browser's history keeps a copy after sign-out. Static files are served before this runs.
"""

from django.utils.cache import patch_cache_control


class PrivateNoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
