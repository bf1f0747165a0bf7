<?php
/**
 * Install WordPress without the web installer: php install.php WPDIR USER PASSWORD EMAIL TITLE
 *
 * Runs once per database; a site that is already installed is left as it is.
 */
if (PHP_SAPI !== 'cli') {
    exit(1);
}
[, $dir, $user, $password, $email, $title] = $argv;
define('WP_INSTALLING', true);
require $dir . '/wp-load.php';

// The installer mails the new admin; there is no mail here, and nothing to tell.
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password)
{
}

require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if (is_blog_installed()) {
    echo "already installed\n";
    exit(0);
}
$result = wp_install($title, $user, $email, true, '', wp_slash($password));
if (empty($result['user_id'])) {
    fwrite(STDERR, "wp_install failed\n");
    exit(1);
}
echo "installed, admin user id {$result['user_id']}\n";
