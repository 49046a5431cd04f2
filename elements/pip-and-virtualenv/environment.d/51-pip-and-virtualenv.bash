# jdib installs pip and virtualenv from distribution packages only: that is this element's
# default install type, whatever DIB_DEFAULT_INSTALLTYPE says.
export DIB_INSTALLTYPE_pip_and_virtualenv=${DIB_INSTALLTYPE_pip_and_virtualenv:-package}

# Commands for hooks, bound to the interpreter dib-python points at (inside the chroot, once
# dib-python's pre-install.d hook has made the link).
if [ -L /usr/local/bin/dib-python ]; then
    _pip_and_virtualenv_python=$(readlink /usr/local/bin/dib-python)
    export DIB_PYTHON_PIP="$_pip_and_virtualenv_python -m pip"
    export DIB_PYTHON_VIRTUALENV="$_pip_and_virtualenv_python -m venv"
    unset _pip_and_virtualenv_python
fi
