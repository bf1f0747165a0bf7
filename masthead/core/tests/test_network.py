from django.test import RequestFactory, SimpleTestCase

from masthead.core.network import client_address, network_of


class ClientAddressTests(SimpleTestCase):
    def setUp(self) -> None:
        self.factory = RequestFactory()

    def test_it_uses_the_peer_when_no_proxy_is_trusted(self) -> None:
        request = self.factory.get("/", REMOTE_ADDR="127.0.0.9", HTTP_X_FORWARDED_FOR="66.249.66.1")
        self.assertEqual(client_address(request, trusted_proxies=[]), "127.0.0.9")

    def test_it_ignores_forwarded_for_from_an_untrusted_peer(self) -> None:
        request = self.factory.get("/", REMOTE_ADDR="127.0.0.9", HTTP_X_FORWARDED_FOR="66.249.66.1")
        self.assertEqual(client_address(request, ["10.0.0.0/8"]), "127.0.0.9")

    def test_it_believes_forwarded_for_through_a_trusted_proxy(self) -> None:
        request = self.factory.get(
            "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 66.249.66.1"
        )
        self.assertEqual(client_address(request, ["127.0.0.0/8"]), "66.249.66.1")

    def test_it_skips_trusted_hops_from_the_right(self) -> None:
        request = self.factory.get(
            "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="66.249.66.1, 10.0.0.2"
        )
        self.assertEqual(client_address(request, ["127.0.0.0/8", "10.0.0.0/8"]), "66.249.66.1")

    def test_it_stops_at_a_malformed_hop(self) -> None:
        request = self.factory.get(
            "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="66.249.66.1, not-an-ip"
        )
        self.assertEqual(client_address(request, ["127.0.0.0/8"]), "127.0.0.1")

    def test_it_groups_networks_by_prefix(self) -> None:
        self.assertEqual(network_of("203.0.113.77"), "203.0.113.0/24")
        self.assertEqual(network_of("2001:db8:1:2:3::9"), "2001:db8:1:2::/64")
        self.assertEqual(network_of("garbage"), "invalid")
