"""The commands about people: createuser, passwd."""

from tinyapp.cli.common import CommandError, connected, read_password
from tinyapp.config import Settings


def add_commands(commands, parents: dict) -> None:
    """Declare this module's commands and their options."""
    common = parents["common"]
    createuser = commands.add_parser("createuser", parents=[common], help="add a user")
    createuser.add_argument("email", help="the user's e-mail address (their login)")
    createuser.add_argument("--name", help="display name (default: the part before @)")
    createuser.add_argument("--role", choices=["admin", "staff", "viewer"], default="staff",
                            help="what they may do (default: staff)")
    createuser.add_argument("--password-stdin", action="store_true",
                            help="read the password from standard input (default: prompt)")
    createuser.set_defaults(command=cmd_createuser)

    passwd = commands.add_parser("passwd", parents=[common], help="set a user's password "
                                 "(signs them out everywhere)")
    passwd.add_argument("email", help="the user's e-mail address")
    passwd.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input (default: prompt)")
    passwd.set_defaults(command=cmd_passwd)


def cmd_createuser(args, settings: Settings) -> int:
    from tinyapp.services import accounts

    password = read_password(args.password_stdin)
    with connected(settings):
        user = accounts.create_user(args.email, args.name or args.email.split("@")[0],
                                    password, role=args.role)
    print(f"created {user.role} {user.email}")
    return 0


def cmd_passwd(args, settings: Settings) -> int:
    from tinyapp.models import User
    from tinyapp.services import accounts

    with connected(settings):
        user = User.by_email(args.email)
        if user is None:  # said before anyone types a password for nobody
            raise CommandError(f"no user with e-mail {args.email}")
        password = read_password(args.password_stdin)
        accounts.change_password(user, "", password, verify_current=False)
    print(f"password changed for {user.email}; their sessions have ended")
    return 0
