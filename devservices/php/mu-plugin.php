<?php
/**
 * Plugin Name: Masthead test site
 * Description: Written by Masthead's devservices launcher for its loopback test WordPress.
 *
 * Application passwords (the gateway's privileged REST client) are offered over HTTPS only
 * by default; this loopback site speaks plain HTTP.
 */
add_filter('wp_is_application_passwords_available', '__return_true');
// A test site must never call out: no pingbacks, no update or browse-happy checks.
add_filter('pre_option_default_pingback_flag', '__return_zero');
add_filter('pre_http_request', function ($response, $args, $url) {
    $host = wp_parse_url($url, PHP_URL_HOST);
    return in_array($host, ['127.0.0.1', 'localhost'], true)
        ? $response
        : new WP_Error('masthead_offline', 'outgoing HTTP is off on this test site');
}, 10, 3);
