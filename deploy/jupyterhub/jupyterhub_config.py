"""JupyterHub serving the cxkit workbook: one Voilà app per logged-in user, one shared store.

Start it from the repository's venv (``pip install -e ".[hub]"`` and
``npm install -g configurable-http-proxy`` first)::

    CXKIT_DB=postgresql://cxkit:…@db.example/cxkit \\
    CXKIT_HUB_PASSWORD=… CXKIT_HUB_ADMIN_PASSWORD=… \\
    .venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

Everything that changes between a laptop test and a real room comes from the hub's
environment (``CXKIT_HUB_*``, ``CXKIT_DB``, ``CXKIT_LANG``); deploy/jupyterhub/README.md
lists them. What each user gets:

- **The Voilà app.** The single-user server (``jupyterhub-singleuser``, with Voilà as a
  Jupyter server extension) opens on ``/voila/render/00_workshop.ipynb``; the workbook's
  offline template comes from ``share/jupyter`` (``JUPYTER_PATH``) and the repository's
  ``voila.json`` / ``voila.py`` settings are applied by ``singleuser/jupyter_server_config.py``
  (``JUPYTER_CONFIG_PATH``). ``JUPYTERHUB_USER`` reaches every kernel, and notebook 03's
  form starts with it as the evaluator's name.
- **One store for everyone.** ``CXKIT_DB`` (a file path or a ``postgresql://`` URL) is
  handed to every user's server from the hub's environment.
- **Idle servers stopped.** ``jupyterhub-idle-culler`` runs as a hub service and stops a
  server idle for ``CXKIT_HUB_IDLE_TIMEOUT`` seconds (3600); what the user entered is in
  the store, so logging in again gives the same pages back.
- **A memory limit per user.** ``c.Spawner.mem_limit`` (``CXKIT_HUB_MEM_LIMIT``, 1G).
  SystemdSpawner, DockerSpawner and KubeSpawner enforce it; the local process spawners
  (the default here) only pass it on as ``MEM_LIMIT`` and enforce nothing.
- **The trainer's console for admins only.** Admin users' servers serve ``notebooks/``
  itself (with ``trainer.ipynb``) and open on the console; everyone else's serve a copy
  of the numbered notebooks (and the guide's pages) made when the hub starts, so
  ``trainer.ipynb`` is not found there, and JupyterLab and terminals are switched off. This hides a page; it is not a
  sandbox (README.md, "The trainer's console").
"""
from __future__ import annotations

import ipaddress
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("CXKIT_ROOT") or HERE.parents[1]).resolve()
NOTEBOOKS = ROOT / "notebooks"
#: The hub's own files (its database, cookie secret), readable by the hub's user only.
STATE = Path(os.environ.get("CXKIT_HUB_STATE") or ROOT / "workspace" / "jupyterhub").resolve()
#: The participants' copy of the notebooks, readable by every user's server.
PARTICIPANTS_DIR = STATE.with_name(STATE.name + "-participants")
#: Notebooks only admin users' servers serve.
ADMIN_ONLY = ("trainer.ipynb",)
HOME = "/voila/render/00_workshop.ipynb"
CONSOLE = "/voila/render/trainer.ipynb"

c = get_config()  # noqa: F821 - provided by traitlets when JupyterHub loads this file
STATE.mkdir(parents=True, exist_ok=True)
os.chmod(STATE, 0o700)

# ---- where the hub listens ----
BIND_URL = os.environ.get("CXKIT_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.bind_url = BIND_URL
c.JupyterHub.hub_bind_url = os.environ.get("CXKIT_HUB_API_URL", "http://127.0.0.1:8081")
c.ConfigurableHTTPProxy.api_url = os.environ.get("CXKIT_HUB_PROXY_API_URL", "http://127.0.0.1:8001")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + str(STATE / "jupyterhub.sqlite")  # the hub's users, not the workshop's data
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")


def _loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ---- who logs in ----
# A room password for participants (the name they type becomes their evaluator name in
# 03) and a separate, long one for the trainers named in CXKIT_HUB_ADMINS. "dummy"
# (any name, no password) is for tests on 127.0.0.1 only.
AUTHENTICATOR = os.environ.get("CXKIT_HUB_AUTHENTICATOR", "shared-password")
ADMINS = {name.strip().lower() for name in os.environ.get("CXKIT_HUB_ADMINS", "trainer").split(",") if name.strip()}
c.JupyterHub.authenticator_class = AUTHENTICATOR
c.Authenticator.admin_users = ADMINS
if AUTHENTICATOR == "shared-password":
    c.SharedPasswordAuthenticator.user_password = os.environ.get("CXKIT_HUB_PASSWORD", "")
    c.SharedPasswordAuthenticator.admin_password = os.environ.get("CXKIT_HUB_ADMIN_PASSWORD", "")
    c.Authenticator.allow_all = True  # anyone with the room password, under the name they choose
elif AUTHENTICATOR == "dummy":
    if not _loopback(BIND_URL):
        raise SystemExit("cxkit hub: the 'dummy' authenticator lets anyone in; it only listens on 127.0.0.1")
    c.Authenticator.allow_all = True

# ---- how each user's server runs ----
SPAWNERS = {
    # every server runs as the hub's own Unix user: nothing to set up, no isolation, no limit enforced
    "simple": "jupyterhub.spawner.SimpleLocalProcessSpawner",
    # one existing Unix account per user; mem_limit not enforced
    "local": "jupyterhub.spawner.LocalProcessSpawner",
    # pip install jupyterhub-systemdspawner: a systemd unit per user, mem_limit/cpu_limit enforced
    "systemd": "systemdspawner.SystemdSpawner",
}
SPAWNER = os.environ.get("CXKIT_HUB_SPAWNER", "simple")
c.JupyterHub.spawner_class = SPAWNERS.get(SPAWNER, SPAWNER)
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.default_url = HOME
c.Spawner.mem_limit = os.environ.get("CXKIT_HUB_MEM_LIMIT", "1G")
c.Spawner.cpu_limit = float(os.environ.get("CXKIT_HUB_CPU_LIMIT", "1"))
c.Spawner.start_timeout = int(os.environ.get("CXKIT_HUB_START_TIMEOUT", "120"))
c.Spawner.http_timeout = int(os.environ.get("CXKIT_HUB_START_TIMEOUT", "120"))
if SPAWNER == "simple":
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "home" / "{username}")
    if os.geteuid() == 0:  # a CI machine or a container: the servers run as root like the hub
        c.Spawner.args = ["--allow-root"]
if SPAWNER == "systemd":
    c.SystemdSpawner.dynamic_users = True  # a throw-away Unix user per participant
    c.SystemdSpawner.unit_name_template = "cxkit-{USERNAME}"

ENVIRONMENT = {
    "JUPYTER_PATH": str(ROOT / "share" / "jupyter"),  # the offline Voilà template
    "JUPYTER_CONFIG_PATH": str(HERE / "singleuser"),  # voila.json/voila.py settings, extensions
    "CXKIT_ROOT": str(ROOT),
}
for name in ("CXKIT_DB", "CXKIT_LANG", "CXKIT_CELL_TIMEOUT", "CXKIT_CULL_IDLE_TIMEOUT"):
    if os.environ.get(name):
        ENVIRONMENT[name] = os.environ[name]

# One chart engine for every user when all servers run as the hub's own Unix user (its
# socket is in a folder only that user can open); otherwise each server starts its own
# (singleuser/jupyter_server_config.py), so no request crosses from one user to another.
if SPAWNER == "simple" and os.environ.get("CXKIT_CHART_ENGINE") != "off":
    from cxkit.charts import engine as chart_engine

    # as voila.py does: two engine processes drawing side by side on two cores or more
    chart_engine.start(workers=int(os.environ.get("CXKIT_CHART_WORKERS", "2" if (os.cpu_count() or 1) >= 2 else "1")))
    for name in (chart_engine.ENV_ADDRESS, chart_engine.ENV_KEY, chart_engine.ENV_WORKERS):
        if name in os.environ:
            ENVIRONMENT[name] = os.environ[name]
elif os.environ.get("CXKIT_CHART_ENGINE") == "off":
    ENVIRONMENT["CXKIT_CHART_ENGINE"] = "off"
c.Spawner.environment = ENVIRONMENT


def participant_notebooks() -> Path:
    """A copy of the numbered notebooks and of everything else in notebooks/ that is not a
    notebook (the guide's pages, pictures), without the admin-only ones: the root of a
    participant's server, made anew each time the hub starts. A copy, not links: Voilà
    serves a file only when its real path lies inside the server's root."""
    folder = PARTICIPANTS_DIR
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.chmod(folder, 0o755)  # servers of other Unix users (systemd's dynamic users) read it
    for path in sorted(NOTEBOOKS.iterdir()):
        numbered = path.name[:2].isdigit() and path.name[2:3] == "_"
        if path.name in ADMIN_ONLY or path.name.startswith(".") or not (numbered or path.suffix != ".ipynb"):
            continue
        if path.is_dir():
            shutil.copytree(path, folder / path.name, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        else:
            shutil.copy2(path, folder / path.name)
    return folder


PARTICIPANTS = participant_notebooks()


def pre_spawn_hook(spawner):
    """Admins: notebooks/ itself, JupyterLab on, the trainer's console as the landing page
    (when it exists). Everyone else: the participants' folder, the Voilà app only."""
    if spawner.user.admin:
        spawner.notebook_dir = str(NOTEBOOKS)
        spawner.environment = dict(spawner.environment, CXKIT_HUB_ROLE="trainer")
        if (NOTEBOOKS / "trainer.ipynb").exists():
            spawner.default_url = CONSOLE
    else:
        spawner.notebook_dir = str(PARTICIPANTS)
        spawner.environment = dict(spawner.environment, CXKIT_HUB_ROLE="participant")


c.Spawner.pre_spawn_hook = pre_spawn_hook

# ---- idle servers ----
IDLE_TIMEOUT = int(os.environ.get("CXKIT_HUB_IDLE_TIMEOUT", "3600"))
c.JupyterHub.load_roles = [{
    "name": "jupyterhub-idle-culler-role",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["jupyterhub-idle-culler-service"],
}]
c.JupyterHub.services = [{
    "name": "jupyterhub-idle-culler-service",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}",
                f"--cull-every={max(60, IDLE_TIMEOUT // 6)}"],
}]
