#!/bin/sh
# Installs boundary-bot into a virtualenv from the lock files, each file checked against its
# hash. `make run` and `make test` (in .venv) and the Dockerfile (in the image) all install
# with this script, so they cannot drift apart. It needs only Python 3.11+ with pip and venv;
# uv writes the locks (`make lock`) but is not needed to install from them.
#
#   sh requirements/install.sh deps VENV runtime|dev    the locked dependencies (and the locked
#                                                       pip and setuptools that install the rest)
#   sh requirements/install.sh project VENV SRC [-e]    then the project itself, resolving nothing
set -eu

usage="usage: install.sh deps VENV runtime|dev | install.sh project VENV SRC [-e]"
here=$(cd "$(dirname "$0")" && pwd)
step=${1:?$usage}
venv=${2:?$usage}
python=$venv/bin/python

case $step in
deps)
    set=${3:?$usage}
    [ -f "$here/$set.txt" ] || { echo "install.sh: no lock $here/$set.txt" >&2; exit 2; }
    [ -x "$python" ] || "${PYTHON:-python3}" -m venv "$venv"
    # Wheels only: building a source distribution would run a build backend the lock does not
    # pin. Every lock has wheels for Linux x86_64 and aarch64 (tests/packaging/test_lock.py).
    for lock in build "$set"; do
        "$python" -m pip install --quiet --disable-pip-version-check --require-hashes \
            --only-binary :all: -r "$here/$lock.txt"
    done
    ;;
project)
    src=${3:?$usage}
    shift 3
    # The dependencies are already there, pinned; setuptools comes from build.txt, not from an
    # isolated build environment that would fetch whatever is newest. (setuptools warns about
    # every editable install, in a dozen lines: `make run` would print them on first start.)
    PYTHONWARNINGS="ignore:Editable installation${PYTHONWARNINGS:+,$PYTHONWARNINGS}" \
        "$python" -m pip install --quiet --disable-pip-version-check --no-deps \
        --no-build-isolation "$@" "$src"
    "$python" -m pip check --disable-pip-version-check >/dev/null
    ;;
*)
    echo "$usage" >&2
    exit 2
    ;;
esac
