"""A real WordPress on 127.0.0.1: MariaDB, then php-fpm behind its own nginx.

Debian's packages, none of their configuration: every file lives in the run folder.

- ``mariadb``: a private data folder made by ``mariadb-install-db --no-defaults``, served
  by ``mariadbd --no-defaults`` on a free port and a socket in the folder. mariadbd refuses
  to run as root, so as root it runs as the ``mysql`` user (which must own the folder).
  It creates the database and a user for WordPress once it answers.
- ``wordpress``: a copy of ``/usr/share/wordpress`` (Debian's ``wp-config.php`` reads
  ``/etc/wordpress/config-<host>.php``, so the copy gets a plain one instead), installed
  and seeded by the PHP command line (``devservices/php/``) before php-fpm and nginx start.
  Outgoing HTTP and WP-cron are off; a must-use plugin offers application passwords over
  plain HTTP, so the gateway can read the REST API as a privileged client.

``python -m devservices start mariadb wordpress --print-env`` prints MASTHEAD_TEST_WP_URL,
the admin's login, password and application password, and MASTHEAD_TEST_WP_SEED (the
seeded posts as JSON; ``devservices.wordpress_seed.load_seeded`` reads it).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from devservices.base import Service, StartError, wait_until
from devservices.registry import register
from devservices.web import answers_http
from devservices.wordpress_seed import seed_input

WORDPRESS_SOURCE = Path("/usr/share/wordpress")
PHP_SCRIPTS = Path(__file__).resolve().parent / "php"
PHP_FPM = "php-fpm8.2"
# The Debian packages this module needs (scripts/ensure-debian-packages.sh installs them;
# the trailing "-" keeps apt from pulling in Apache to satisfy WordPress's web server).
DEBIAN_PACKAGES = (
    "nginx wordpress wordpress-theme-twentytwentythree php-fpm php-cli php-mysql php-xml "
    "php-gd php-curl php-mbstring mariadb-server apache2- libapache2-mod-php8.2-"
)


def _as_root() -> bool:
    return os.geteuid() == 0


def _client_user() -> str:
    # mariadb-install-db gives root (and the installing OS user) socket authentication.
    return "root" if _as_root() else os.environ.get("USER", "root")


@register
@dataclass
class MariaDB(Service):
    """A MariaDB server with its data in the service folder's ``data``."""

    kind = "mariadb"
    start_timeout = 60.0

    database: str = "wordpress"  # created when missing, with ``user`` allowed on it
    user: str = "wordpress"
    password: str = "wordpress"  # noqa: S105 - a loopback test database

    @property
    def data(self) -> Path:
        """The data folder."""
        return self.folder / "data"

    @property
    def socket(self) -> Path:
        """The server's Unix socket."""
        return self.folder / "mariadb.sock"

    def _prepare(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        if _as_root():
            shutil.chown(self.folder, "mysql", "mysql")
            shutil.chown(self.data, "mysql", "mysql")
        if (self.data / "mysql").exists():
            return
        install = [
            "mariadb-install-db",
            "--no-defaults",
            f"--datadir={self.data}",
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
            *([f"--user={'mysql'}"] if _as_root() else []),
        ]
        done = subprocess.run(install, capture_output=True, text=True, check=False, cwd="/")
        if done.returncode:
            raise StartError(
                f"{self.name}: mariadb-install-db failed:\n{done.stdout[-2000:]}{done.stderr}"
            )

    def launch(self) -> None:
        """Create the data folder when needed and run mariadbd in the foreground."""
        if shutil.which("mariadbd") is None:
            raise StartError(
                f"{self.name}: mariadbd is not installed (scripts/ensure-debian-packages.sh "
                "mariadb-server)"
            )
        self._prepare()
        self.spawn(
            [
                "mariadbd",
                "--no-defaults",
                *(["--user=mysql"] if _as_root() else []),
                f"--datadir={self.data}",
                f"--socket={self.socket}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                f"--pid-file={self.folder / 'mariadb.pid'}",
                "--skip-name-resolve",
                "--skip-log-bin",
                # A throwaway test database: speed over crash safety, little memory.
                "--innodb-flush-log-at-trx-commit=0",
                "--innodb-doublewrite=0",
                "--innodb-buffer-pool-size=64M",
                "--performance-schema=off",
                "--character-set-server=utf8mb4",
            ]
        )

    def sql(self, statement: str) -> subprocess.CompletedProcess[str]:
        """Run ``statement`` as MariaDB's root through the socket."""
        return subprocess.run(
            [
                "mariadb",
                "--no-defaults",
                f"--socket={self.socket}",
                "-u",
                _client_user(),
                "-e",
                statement,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )

    def ready(self) -> bool:
        """True once the server answers a query through its socket."""
        return self.socket.exists() and self.sql("SELECT 1").returncode == 0

    def start(self, timeout: float | None = None) -> None:
        """Start the server, then create the database and its user (idempotent)."""
        super().start(timeout)
        for name in (self.database, self.user):
            if not name.replace("_", "").isalnum():
                self.stop()
                raise StartError(f"{self.name}: not a plain name: {name!r}")
        quoted = self.password.replace("\\", "\\\\").replace("'", "\\'")
        done = self.sql(
            f"CREATE DATABASE IF NOT EXISTS `{self.database}` CHARACTER SET utf8mb4; "
            f"CREATE USER IF NOT EXISTS '{self.user}'@'127.0.0.1' IDENTIFIED BY '{quoted}'; "
            f"GRANT ALL ON `{self.database}`.* TO '{self.user}'@'127.0.0.1';"
        )
        if done.returncode:
            self.stop()
            raise StartError(f"{self.name}: could not create the database: {done.stderr}")

    def env(self) -> dict[str, str]:
        """MARIADB_URL, MARIADB_PORT and MARIADB_SOCKET."""
        return {
            "MARIADB_URL": (
                f"mysql://{self.user}:{self.password}@127.0.0.1:{self.port}/{self.database}"
            ),
            "MARIADB_PORT": str(self.port),
            # Asked before the launcher gives it a folder (the command line's port check).
            "MARIADB_SOCKET": str(self.socket) if self.directory is not None else "",
        }


_NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log stderr warn;
{user}
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/tmp/body;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    proxy_temp_path {folder}/tmp/proxy;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    client_max_body_size 16m;
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        root {root};
        index index.php;
        location / {{
            try_files $uri $uri/ /index.php?$args;
        }}
        location ~ \\.php$ {{
            try_files $uri =404;
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
            # WordPress builds its redirects and canonical URLs from Host: without the
            # port every page would redirect to port 80.
            fastcgi_param HTTP_HOST $http_host;
            fastcgi_param SERVER_PORT $server_port;
            fastcgi_pass unix:{fpm_socket};
        }}
    }}
}}
"""

_FPM_CONF = """\
[global]
pid = {folder}/php-fpm.pid
error_log = /proc/self/fd/2
daemonize = no

[wordpress]
{user}
listen = {fpm_socket}
listen.mode = 0666
pm = static
pm.max_children = {children}
catch_workers_output = yes
clear_env = no
php_admin_value[error_log] = /proc/self/fd/2
php_admin_flag[log_errors] = on
php_admin_value[memory_limit] = 256M
"""

_WP_CONFIG = """\
<?php
// Written by Masthead's devservices launcher; rewritten at every start.
define('DB_NAME', {db_name});
define('DB_USER', {db_user});
define('DB_PASSWORD', {db_password});
define('DB_HOST', {db_host});
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HOME', {home});
define('WP_SITEURL', {home});
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_POST_REVISIONS', false);
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_DEBUG', false);
require __DIR__ . '/wp-salts.php';
$table_prefix = 'wp_';
if (!defined('ABSPATH')) {{
    define('ABSPATH', __DIR__ . '/');
}}
require_once ABSPATH . 'wp-settings.php';
"""

_SALT_NAMES = (
    "AUTH_KEY",
    "SECURE_AUTH_KEY",
    "LOGGED_IN_KEY",
    "NONCE_KEY",
    "AUTH_SALT",
    "SECURE_AUTH_SALT",
    "LOGGED_IN_SALT",
    "NONCE_SALT",
)


def _php(value: str) -> str:
    """``value`` as a single-quoted PHP string."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


@register
@dataclass
class WordPress(Service):
    """WordPress (php-fpm behind nginx) on the ``mariadb`` service of the same run folder.

    ``db_port`` 0 means: the running ``mariadb`` recorded in this run folder's state file.
    """

    kind = "wordpress"
    start_timeout = 120.0

    db_port: int = 0
    db_name: str = "wordpress"
    db_user: str = "wordpress"
    db_password: str = "wordpress"  # noqa: S105 - a loopback test database
    admin_user: str = "admin"
    admin_email: str = "admin@example.test"
    title: str = "Harbour Gazette"
    php_workers: int = 4

    @property
    def root(self) -> Path:
        """WordPress's copy (the document root)."""
        return self.folder / "wordpress"

    @property
    def url(self) -> str:
        """The site's address."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def seed_file(self) -> Path:
        """What the seeding recorded: posts, ids, URLs, attachments, the app password."""
        return self.folder / "seed.json"

    def log_file(self) -> Path | None:
        """php-fpm's and nginx's shared output (the PHP scripts' output is appended too)."""
        return self.folder / "wordpress.log"

    # --- set-up --------------------------------------------------------------------------

    def _database_port(self) -> int:
        if self.db_port:
            return self.db_port
        state = self.folder.parent / "state.json"
        try:
            services = json.loads(state.read_text()).get("services", {})
        except (OSError, ValueError):
            services = {}
        for record in services.values():
            if record.get("kind") == MariaDB.kind and record.get("port"):
                return int(record["port"])
        raise StartError(
            f"{self.name}: no database: start a mariadb service in the same run folder first "
            "(start mariadb wordpress), or give db_port"
        )

    def _credentials(self) -> dict[str, str]:
        # The admin password is made once per folder and kept beside the site.
        saved = self.folder / "admin.json"
        if saved.exists():
            loaded: dict[str, str] = json.loads(saved.read_text())
            return loaded
        made = {"user": self.admin_user, "password": secrets.token_urlsafe(18)}
        saved.write_text(json.dumps(made))
        saved.chmod(0o600)
        return made

    def _copy_site(self) -> None:
        if (self.root / "wp-load.php").exists():
            return
        if not WORDPRESS_SOURCE.exists():
            raise StartError(
                f"{self.name}: {WORDPRESS_SOURCE} is missing (scripts/ensure-debian-packages.sh "
                f"{DEBIAN_PACKAGES})"
            )
        partial = self.folder / "wordpress.partial"
        shutil.rmtree(partial, ignore_errors=True)
        # Symlinks followed (Debian links into /usr/share/javascript and friends); the
        # .htaccess and wp-config.php links point into /etc/wordpress, which we never use.
        shutil.copytree(
            WORDPRESS_SOURCE,
            partial,
            symlinks=False,
            ignore=shutil.ignore_patterns(".htaccess", "wp-config.php"),
        )
        partial.rename(self.root)

    def _write_config(self, db_port: int) -> None:
        salts = self.root / "wp-salts.php"
        if not salts.exists():
            lines = [f"define('{name}', {_php(secrets.token_hex(32))});" for name in _SALT_NAMES]
            salts.write_text("<?php\n" + "\n".join(lines) + "\n")
        (self.root / "wp-config.php").write_text(
            _WP_CONFIG.format(
                db_name=_php(self.db_name),
                db_user=_php(self.db_user),
                db_password=_php(self.db_password),
                db_host=_php(f"127.0.0.1:{db_port}"),
                home=_php(self.url),
            )
        )
        plugins = self.root / "wp-content" / "mu-plugins"
        plugins.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PHP_SCRIPTS / "mu-plugin.php", plugins / "masthead-test-site.php")

    def _run_php(self, script: str, *arguments: str) -> None:
        # PHP's command line runs the installer and the seeding (no wp-cli in Debian). The
        # Host header WordPress expects is given as if the request came through nginx.
        environment = dict(os.environ, HTTP_HOST=f"127.0.0.1:{self.port}")
        done = subprocess.run(
            ["php", "-d", "display_errors=stderr", str(PHP_SCRIPTS / script), *arguments],
            capture_output=True,
            text=True,
            check=False,
            timeout=self.start_timeout,
            env=environment,
            cwd=self.root,
        )
        log = self.log_file()
        if log is not None:
            with log.open("a") as output:
                output.write(f"php {script}: {done.stdout}{done.stderr}")
        if done.returncode:
            raise StartError(f"{self.name}: {script} failed:\n{done.stdout}{done.stderr}")

    def _server_configs(self) -> tuple[Path, Path]:
        tmp = self.folder / "tmp"
        tmp.mkdir(exist_ok=True)
        fpm_socket = self.folder / "php-fpm.sock"
        fpm = self.folder / "php-fpm.conf"
        fpm.write_text(
            _FPM_CONF.format(
                folder=self.folder,
                fpm_socket=fpm_socket,
                children=self.php_workers,
                user="user = www-data\ngroup = www-data" if _as_root() else "",
            )
        )
        nginx = self.folder / "nginx.conf"
        nginx.write_text(
            _NGINX_CONF.format(
                folder=self.folder,
                port=self.port,
                root=self.root,
                fpm_socket=fpm_socket,
                user="user www-data;" if _as_root() else "",
            )
        )
        return fpm, nginx

    def launch(self) -> None:
        """Copy, configure, install and seed the site; then start php-fpm and nginx."""
        for program in ("php", PHP_FPM, "nginx"):
            if shutil.which(program) is None:
                raise StartError(
                    f"{self.name}: {program} is not installed (scripts/ensure-debian-packages.sh "
                    f"{DEBIAN_PACKAGES})"
                )
        db_port = self._database_port()
        self._copy_site()
        self._write_config(db_port)
        admin = self._credentials()
        self._run_php(
            "install.php",
            str(self.root),
            admin["user"],
            admin["password"],
            self.admin_email,
            self.title,
        )
        seed_in = self.folder / "seed-input.json"
        seed_in.write_text(seed_input())
        self._run_php("seed.php", str(self.root), admin["user"], str(seed_in), str(self.seed_file))
        if _as_root():
            # php-fpm's workers run as www-data; only the uploads folder is theirs to write.
            uploads = self.root / "wp-content" / "uploads"
            uploads.mkdir(parents=True, exist_ok=True)
            for path in [uploads, *uploads.rglob("*")]:
                shutil.chown(path, "www-data", "www-data")
        fpm, nginx = self._server_configs()
        checked = subprocess.run(
            ["nginx", "-p", str(self.folder), "-c", str(nginx), "-t", "-q"],
            capture_output=True,
            text=True,
            check=False,
        )
        if checked.returncode:
            raise StartError(f"{self.name}: nginx -t refused {nginx}:\n{checked.stderr}")
        self.spawn([PHP_FPM, "--nodaemonize", "--force-stderr", "-y", str(fpm)], cwd=self.folder)
        socket_made = wait_until(lambda: (self.folder / "php-fpm.sock").exists(), 15)
        if not socket_made:
            raise StartError(f"{self.name}: php-fpm made no socket")
        self.spawn(["nginx", "-p", str(self.folder), "-c", str(nginx)], cwd=self.folder)

    def ready(self) -> bool:
        """True once the home page answers through nginx and php-fpm."""
        return answers_http(self.url + "/")

    def env(self) -> dict[str, str]:
        """WP_URL, WP_PORT, WP_ADMIN_USER, WP_ADMIN_PASSWORD, WP_APP_PASSWORD, WP_SEED."""
        variables = {"WP_URL": self.url, "WP_PORT": str(self.port)}
        if self.directory is None:
            return variables
        try:
            admin = json.loads((self.folder / "admin.json").read_text())
            seeded = json.loads(self.seed_file.read_text())
        except (OSError, ValueError):
            return variables
        variables.update(
            {
                "WP_ADMIN_USER": admin["user"],
                "WP_ADMIN_PASSWORD": admin["password"],
                "WP_APP_PASSWORD": seeded["app_password"],
                "WP_SEED": str(self.seed_file),
            }
        )
        return variables
