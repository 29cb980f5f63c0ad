"""Flask extensions, created unbound and bound in the application factory."""

from flask_babel import Babel
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
