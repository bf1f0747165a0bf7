"""The article head: NewsArticle JSON-LD, OpenGraph and Twitter cards, canonical link."""

from __future__ import annotations

import json
from typing import Any

import lxml.html

from masthead.access.tests.crawler_dns_server import GOOGLEBOT

from . import factories
from .crawler_support import GENUINE_GOOGLEBOT, CrawlerTestCase


class StructuredDataTests(CrawlerTestCase):
    def page(self, url: str, **meta: Any) -> lxml.html.HtmlElement:
        response = self.get(url, GOOGLEBOT, **meta)
        self.assertEqual(response.status_code, 200)
        return lxml.html.fromstring(response.content)

    def json_ld(self, tree: lxml.html.HtmlElement) -> dict[str, Any]:
        (script,) = tree.cssselect('script[type="application/ld+json"]')
        data: dict[str, Any] = json.loads(script.text)
        return data

    def meta(self, tree: lxml.html.HtmlElement, key: str) -> str:
        found = tree.cssselect(f'meta[property="{key}"], meta[name="{key}"]')
        return found[0].get("content") if found else ""

    def test_it_describes_a_paywalled_news_article(self) -> None:
        story = factories.full_article(access_level="subscriber")
        data = self.json_ld(self.page(story.get_absolute_url()))
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["@type"], "NewsArticle")
        self.assertEqual(data["headline"], story.headline)
        self.assertEqual(data["datePublished"], "2025-02-18T18:47:00+00:00")
        self.assertEqual(data["dateModified"], "2025-02-18T20:47:00+00:00")
        self.assertEqual(data["author"][0]["name"], "Ada Reporter")
        self.assertEqual(data["articleSection"], "Metro")
        self.assertTrue(data["image"][0].startswith("http://testserver/media/"))
        self.assertEqual(data["publisher"]["name"], "The Masthead Gazette")
        self.assertTrue(data["publisher"]["logo"]["url"].endswith("publisher-logo.png"))
        self.assertIs(data["isAccessibleForFree"], False)
        self.assertEqual(
            data["hasPart"],
            {
                "@type": "WebPageElement",
                "isAccessibleForFree": False,
                "cssSelector": ".masthead-gated",
            },
        )
        self.assertNotIn("articleBody", data)

    def test_it_marks_a_free_article_free_without_a_gated_part(self) -> None:
        story = factories.article("free-story", access_level="free")
        data = self.json_ld(self.page(story.get_absolute_url()))
        self.assertIs(data["isAccessibleForFree"], True)
        self.assertNotIn("hasPart", data)

    def test_it_names_an_element_that_holds_the_gated_text_for_a_verified_crawler(self) -> None:
        tree = self.page(self.article.get_absolute_url(), REMOTE_ADDR=GENUINE_GOOGLEBOT)
        selector = self.json_ld(tree)["hasPart"]["cssSelector"]
        (element,) = tree.cssselect(selector)
        self.assertIn("GATEDWORD6", element.text_content())
        self.assertNotIn("leadword1", element.text_content())

    def test_it_fills_opengraph_and_twitter_cards_from_public_fields(self) -> None:
        story = factories.full_article()
        tree = self.page(story.get_absolute_url())
        canonical = "http://testserver" + story.get_absolute_url()
        self.assertEqual(self.meta(tree, "og:type"), "article")
        self.assertEqual(self.meta(tree, "og:title"), story.headline)
        self.assertEqual(self.meta(tree, "og:description"), story.summary)
        self.assertEqual(self.meta(tree, "og:url"), canonical)
        self.assertTrue(self.meta(tree, "og:image").startswith("http://testserver/media/"))
        self.assertEqual(self.meta(tree, "og:image:alt"), "Elm Street at dusk")
        self.assertEqual(self.meta(tree, "twitter:card"), "summary_large_image")
        self.assertEqual(self.meta(tree, "twitter:title"), story.headline)
        self.assertEqual(self.meta(tree, "twitter:image"), self.meta(tree, "og:image"))

    def test_it_falls_back_to_the_lead_in_when_there_is_no_summary(self) -> None:
        story = factories.article("no-dek", summary="")
        tree = self.page(story.get_absolute_url())
        description = self.meta(tree, "og:description")
        self.assertIn("leadword1", description)
        self.assert_no_gated_text(description, "og:description")
        self.assertEqual(self.meta(tree, "twitter:card"), "summary")

    def test_it_keeps_the_gift_token_out_of_canonical_links(self) -> None:
        tree = self.page(self.article.get_absolute_url() + "?gift=secret-token")
        (canonical,) = tree.cssselect('link[rel="canonical"]')
        self.assertEqual(
            canonical.get("href"), "http://testserver" + self.article.get_absolute_url()
        )
        html = lxml.html.tostring(tree.find("head")).decode()
        self.assertNotIn("secret-token", html)

    def test_it_links_the_oembed_endpoint(self) -> None:
        tree = self.page(self.article.get_absolute_url())
        (link,) = tree.cssselect('link[type="application/json+oembed"]')
        self.assertIn("/oembed/?url=http%3A%2F%2Ftestserver%2F2025%2F02%2F18%2F", link.get("href"))
        self.assertIn("format=json", link.get("href"))

    def test_it_escapes_markup_inside_the_json_ld(self) -> None:
        story = factories.article("escape", headline="Council </script><b>votes</b> & more")
        response = self.get(story.get_absolute_url(), GOOGLEBOT)
        self.assertNotIn("</script><b>", response.content.decode())
        data = self.json_ld(lxml.html.fromstring(response.content))
        self.assertEqual(data["headline"], "Council </script><b>votes</b> & more")

    def test_it_describes_the_lead_video_inside_the_news_article(self) -> None:
        story = factories.full_article(access_level="subscriber")
        data = self.json_ld(self.page(story.get_absolute_url()))
        video = data["video"]
        self.assertEqual(video["@type"], "VideoObject")
        self.assertEqual(video["name"], "The vote, in ninety seconds")
        self.assertEqual(video["description"], "Council members cast their votes.")
        self.assertEqual(video["uploadDate"], "2025-02-18T18:47:00+00:00")
        self.assertEqual(video["contentUrl"], "https://video.example.org/vote.webm")
        self.assertTrue(video["thumbnailUrl"][0].startswith("http://testserver/media/"))
        self.assertEqual(
            video["transcript"], "Speaker one: The motion carries.\n\nSpeaker two: Thank you all."
        )
        self.assertEqual(video["creditText"], "Video by Sam Lens")

    def test_it_prefers_the_poster_as_the_thumbnail(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        story = factories.full_article(access_level="free")
        poster = SimpleUploadedFile("poster.png", factories.png_bytes())
        assert story.lead_video is not None
        story.lead_video.poster.save("poster.png", poster, save=True)
        video = self.json_ld(self.page(story.get_absolute_url()))["video"]
        # Uploads get random names: the folder says it is the poster.
        self.assertIn("/media/video/posters/", video["thumbnailUrl"][0])

    def test_a_story_without_a_video_has_none(self) -> None:
        story = factories.article("plain-story")
        self.assertNotIn("video", self.json_ld(self.page(story.get_absolute_url())))
