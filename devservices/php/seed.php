<?php
/**
 * Seed the test site: php seed.php WPDIR ADMIN_LOGIN INPUT_JSON OUTPUT_JSON
 *
 * INPUT_JSON comes from devservices/wordpress_seed.py. Runs as the admin user, so block
 * markup is kept as written. Runs once per database (the option masthead_seed records
 * what was made); every run rewrites OUTPUT_JSON with the current URLs.
 */
if (PHP_SAPI !== 'cli') {
    exit(1);
}
[, $dir, $login, $input_file, $output_file] = $argv;
require $dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';

$admin = get_user_by('login', $login);
if (!$admin) {
    fwrite(STDERR, "no user $login\n");
    exit(1);
}
wp_set_current_user($admin->ID);

// Pretty permalinks, so that /feed/, /wp-json/ and dated post URLs work (nginx routes
// every unknown path to index.php).
global $wp_rewrite;
if (get_option('permalink_structure') !== '/%year%/%monthnum%/%day%/%postname%/') {
    $wp_rewrite->set_permalink_structure('/%year%/%monthnum%/%day%/%postname%/');
    // Categories and tags registered their archive rules at start-up, under the plain
    // structure; registered again now, /category/<slug>/ and /tag/<slug>/ get rules too
    // (else they answer 404 until some later process flushes the rules).
    create_initial_taxonomies();
}
$wp_rewrite->flush_rules(false);

function masthead_paragraph(string $text): string
{
    return "<!-- wp:paragraph -->\n<p>" . esc_html($text) . "</p>\n<!-- /wp:paragraph -->\n\n";
}

function masthead_image(array $image): string
{
    $id = (int) $image['id'];
    $attrs = wp_json_encode(['id' => $id, 'sizeSlug' => 'full', 'linkDestination' => 'none']);
    return "<!-- wp:image $attrs -->\n<figure class=\"wp-block-image size-full\"><img src=\""
        . esc_url($image['url']) . '" alt="' . esc_attr($image['alt']) . "\" class=\"wp-image-$id\"/></figure>\n"
        . "<!-- /wp:image -->\n\n";
}

function masthead_png(array $spec, int $parent): array
{
    // A real (small) image: a coloured field with its name written on it.
    $picture = imagecreatetruecolor(320, 200);
    [$r, $g, $b] = $spec['colour'];
    imagefill($picture, 0, 0, imagecolorallocate($picture, $r, $g, $b));
    imagestring($picture, 5, 12, 90, $spec['name'], imagecolorallocate($picture, 255, 255, 255));
    ob_start();
    imagepng($picture);
    $bytes = ob_get_clean();
    $upload = wp_upload_bits($spec['name'] . '.png', null, $bytes);
    if (!empty($upload['error'])) {
        fwrite(STDERR, "upload failed: {$upload['error']}\n");
        exit(1);
    }
    $id = wp_insert_attachment([
        'post_mime_type' => 'image/png',
        'post_title' => $spec['alt'],
        'post_status' => 'inherit',
        'post_content' => '',
    ], $upload['file'], $parent);
    wp_update_attachment_metadata($id, wp_generate_attachment_metadata($id, $upload['file']));
    update_post_meta($id, '_wp_attachment_image_alt', $spec['alt']);
    return ['id' => $id, 'url' => $upload['url'], 'alt' => $spec['alt'], 'gated' => (bool) $spec['gated']];
}

$made = get_option('masthead_seed');
if (!$made) {
    $input = json_decode(file_get_contents($input_file), true);
    // WordPress's own sample post, page and privacy draft would be noise in every door.
    foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => 'any', 'numberposts' => -1]) as $old) {
        wp_delete_post($old->ID, true);
    }
    $categories = [];
    foreach ($input['categories'] as $name) {
        $term = term_exists($name, 'category') ?: wp_insert_term($name, 'category');
        $categories[$name] = (int) $term['term_id'];
    }
    $made = ['posts' => []];
    foreach ($input['posts'] as $post) {
        $id = wp_insert_post([
            'post_type' => $post['post_type'],
            'post_name' => $post['slug'],
            'post_title' => $post['title'],
            'post_status' => 'publish',
            'post_author' => $admin->ID,
            'post_date' => $post['date'],
            'post_date_gmt' => $post['date'],
            'post_content' => '',
            'post_category' => $post['category'] ? [$categories[$post['category']]] : [],
            'tags_input' => $post['tags'],
        ], true);
        if (is_wp_error($id)) {
            fwrite(STDERR, $id->get_error_message() . "\n");
            exit(1);
        }
        $images = [];
        foreach ($post['images'] as $spec) {
            $images[$spec['name']] = masthead_png($spec, $id);
        }
        $free = array_values(array_filter($images, fn ($image) => !$image['gated']));
        $gated = array_values(array_filter($images, fn ($image) => $image['gated']));
        $content = '';
        foreach ($post['lead'] as $number => $text) {
            $content .= masthead_paragraph($text);
            if ($number === 0) {
                foreach ($free as $image) {
                    $content .= masthead_image($image);
                }
            }
        }
        if ($post['more']) {
            $content .= "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n\n";
        }
        foreach ($post['gated'] as $number => $text) {
            $content .= masthead_paragraph($text);
            if ($number === 0) {
                foreach ($gated as $image) {
                    $content .= masthead_image($image);
                }
            }
        }
        wp_update_post(['ID' => $id, 'post_content' => wp_slash($content)]);
        $made['posts'][] = ['slug' => $post['slug'], 'id' => $id, 'input' => $post, 'images' => $images];
    }
    [$app_password] = WP_Application_Passwords::create_new_application_password(
        $admin->ID,
        ['name' => 'masthead-gateway']
    );
    $made['app_password'] = $app_password;
    $made['home'] = home_url();
    update_option('masthead_seed', $made, false);
}

// A restart on another port: the bodies' absolute image addresses follow the site's.
if ($made['home'] !== home_url()) {
    foreach ($made['posts'] as $entry) {
        $body = get_post_field('post_content', $entry['id'], 'raw');
        wp_update_post(['ID' => $entry['id'], 'post_content' => wp_slash(str_replace($made['home'], home_url(), $body))]);
    }
    $made['home'] = home_url();
    update_option('masthead_seed', $made, false);
}

$output = ['app_password' => $made['app_password'], 'posts' => []];
foreach ($made['posts'] as $entry) {
    $post = $entry['input'];
    $images = [];
    foreach ($entry['images'] as $name => $image) {
        $image['url'] = wp_get_attachment_url($image['id']);
        $images[$name] = $image;
    }
    $output['posts'][] = [
        'slug' => $entry['slug'],
        'id' => $entry['id'],
        'url' => get_permalink($entry['id']),
        'walled' => in_array('subscriber', $post['tags'], true),
        'oracle_word' => $post['oracle_word'],
        'lead' => $post['lead'],
        'gated' => $post['gated'],
        'post_type' => $post['post_type'],
        'category' => $post['category'],
        'tags' => $post['tags'],
        'images' => (object) $images,
    ];
}
file_put_contents($output_file, wp_json_encode($output, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES));
echo 'seeded ' . count($output['posts']) . " posts\n";
