import ipaddress

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, SimpleTestCase, override_settings

from masthead.core import network
from masthead.core.apps import check_ipv6_prefix
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
        self.assertEqual(network_of("2001:db8:1:2:3::9"), "2001:db8:1::/56")
        self.assertEqual(network_of("garbage"), "invalid")


class Ipv6NetworkSizeTests(SimpleTestCase):
    """One IPv6 allowance per /56 by default: a /48 holds 256 of them, not 65,536."""

    def test_a_56_is_one_network_by_default(self) -> None:
        self.assertEqual(network_of("2001:db8:0:ff:1::1"), network_of("2001:db8:0:1::9"))
        self.assertEqual(network_of("2001:db8:0:ff:1::1"), "2001:db8::/56")
        self.assertNotEqual(network_of("2001:db8:0:100::1"), network_of("2001:db8:0:ff::1"))

    def test_a_48_holds_256_networks(self) -> None:
        networks = {network_of(f"2001:db8:7:{n:x}00::1") for n in range(256)}
        networks |= {network_of(f"2001:db8:7:{n:x}ff::1") for n in range(256)}
        self.assertEqual(len(networks), 256)

    @override_settings(IPV6_NETWORK_PREFIX=64)
    def test_the_size_is_a_setting(self) -> None:
        self.assertEqual(network_of("2001:db8:1:2:3::9"), "2001:db8:1:2::/64")

    @override_settings(IPV6_NETWORK_PREFIX=48)
    def test_a_wider_size_groups_more(self) -> None:
        self.assertEqual(network_of("2001:db8:1:ffff::9"), "2001:db8:1::/48")

    def test_ipv4_stays_a_24(self) -> None:
        with self.settings(IPV6_NETWORK_PREFIX=64):
            self.assertEqual(network_of("198.51.100.200"), "198.51.100.0/24")

    def test_start_up_refuses_a_size_out_of_range(self) -> None:
        for bad in (8, 65, 128, "56", None, True):
            with self.subTest(bad=bad), self.settings(IPV6_NETWORK_PREFIX=bad):
                if bad is None:
                    continue  # unset means the default
                [error] = check_ipv6_prefix()
                self.assertEqual(error.id, "core.E002")
                with self.assertRaises(ImproperlyConfigured):
                    apps.get_app_config("core").ready()
                with self.assertRaises(ValueError):
                    network_of("2001:db8::1")

    def test_start_up_accepts_the_default(self) -> None:
        self.assertEqual(check_ipv6_prefix(), [])


@pytest.mark.parametrize(
    "text",
    [
        "203.0.113.9",
        " 203.0.113.9 ",
        "0.0.0.0",
        "255.255.255.255",
        "01.2.3.4",
        "1.2.3.04",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "0x1.2.3.4",
        "1.2.3.4\x00",
        "\u0661.2.3.4",  # an Arabic-Indic digit one
        "2001:db8::1",
        "::ffff:1.2.3.4",
        "",
        "not an address",
    ],
)
def test_the_fast_parser_takes_exactly_what_ipaddress_takes(text: str) -> None:
    try:
        expected: object = ipaddress.ip_address(text.strip())
    except ValueError:
        expected = None
    assert network._parse(text) == expected


def test_networks_are_made_per_family() -> None:
    # A small IPv6 number must not be read as an IPv4 address.
    assert network_of("::5") == "::/56"
    assert network_of("203.0.113.9") == "203.0.113.0/24"
