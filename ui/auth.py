"""Who is using the app: OIDC sign-in (``st.login``) when secrets have ``[auth]``, else a
clearly labelled single-user local mode."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui import state

LOCAL_NAME = "local_user_name"


@dataclass(frozen=True)
class Identity:
    user_id: str  # e-mail (or OIDC subject) when signed in; the typed name in local mode
    display: str
    signed_in: bool

    @property
    def local(self) -> bool:
        return not self.signed_in


def auth_configured() -> bool:
    return state.in_secrets("auth")


def identity() -> Identity | None:
    """The person using this session, or None when sign-in is required and not done yet."""
    if auth_configured():
        if not st.user.is_logged_in:
            return None
        user_id = str(st.user.get("email") or st.user.get("sub") or "")
        return Identity(user_id, str(st.user.get("name") or user_id), True)
    name = st.session_state.get(LOCAL_NAME) or "Local user"
    return Identity(name, name, False)


def require_sign_in() -> Identity:
    """Stop with a sign-in page until the user has signed in (when sign-in is configured)."""
    try:
        who = identity()
    except state.SecretsUnreadable as exc:
        # Fail closed: a broken secrets file must not turn sign-in off.
        st.title("Source Selection Workbench")
        st.error(f"The app is not available: {exc}. An administrator must correct the file "
                 "(it is TOML) and restart the app.", icon=":material/lock:")
        st.stop()
        raise AssertionError from exc  # unreachable: st.stop() ends the run
    if who is not None:
        return who
    st.title("Source Selection Workbench")
    st.write("This workbench holds source selection information. Sign in with your agency "
             "account to see the evaluations you are a member of.")
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)
    st.stop()
    raise AssertionError  # unreachable: st.stop() ends the run


def sidebar(who: Identity) -> None:
    if who.signed_in:
        st.caption(f"Signed in as **{who.display}**")
        st.button("Sign out", icon=":material/logout:", on_click=st.logout)
    else:
        st.caption("**Single-user local mode**: no sign-in; everything here is visible to "
                   "whoever uses this app. Your name is recorded with saves and scores.")
        st.text_input("Your name", key=LOCAL_NAME, placeholder="Local user")
