"""Print the live articles as JSON: id, URL, access level and a sentence of gated text.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.catalogue

The benchmarks pick articles by level from it; the production tests use the gated
sentence as the marker that must never reach a reader who is not entitled to it.
"""

from __future__ import annotations

import json
import re
import sys


def catalogue() -> list[dict[str, object]]:
    """Return one entry per live article, newest first."""
    from django.utils import timezone

    from masthead.newsroom.models import Article
    from masthead.newsroom.paywall import gated_html

    entries = []
    for article in Article.objects.live(timezone.now()).select_related("section"):
        text = re.sub(r"<[^>]+>", " ", gated_html(article.pk, ad_free=True))
        sentences = [s.strip() for s in re.split(r"\s{2,}|(?<=\.)\s", text) if len(s.strip()) > 40]
        entries.append(
            {
                "id": article.pk,
                "url": article.get_absolute_url(),
                "level": article.effective_access_level(),
                "gated_sentence": sentences[0] if sentences else "",
            }
        )
    return entries


def main() -> int:
    """Print the catalogue; 0 on success."""
    import django

    django.setup()
    json.dump(catalogue(), sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
