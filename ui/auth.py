"""Who is using the app: OIDC sign-in (``st.login``) when secrets have ``[auth]``, else a
clearly labelled single-user local mode."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from ui import state

LOCAL_NAME = "local_user_name"
OPEN_LOCAL_MODE = "SSW_ALLOW_OPEN_LOCAL_MODE"  # "1": accept local mode on a network address
LOOPBACK = ("127.0.0.1", "localhost", "::1")


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


def user_id_from(claims: Mapping[str, object]) -> str:
    """Who signed in, from the identity provider's claims: the e-mail address only when the
    provider says it is verified (chairs add members by address); otherwise the provider's own
    subject, qualified by its issuer, which can never be mistaken for a member's address."""
    email = str(claims.get("email") or "").strip()
    verified = claims.get("email_verified") in (True, "true", "True", 1)
    if email and verified:
        return email.casefold()
    return f"{claims.get('iss') or 'unknown issuer'} subject {claims.get('sub') or '?'}"


def identity() -> Identity | None:
    """The person using this session, or None when sign-in is required and not done yet."""
    if auth_configured():
        if not st.user.is_logged_in:
            return None
        claims = {k: st.user.get(k) for k in ("email", "email_verified", "iss", "sub")}
        user_id = user_id_from(claims)
        return Identity(user_id, str(st.user.get("name") or user_id), True)
    name = st.session_state.get(LOCAL_NAME) or "Local user"
    return Identity(name, name, False)


def network_address() -> str | None:
    """The address the server listens on when it is reachable from other machines, else None."""
    address = str(st.get_option("server.address") or "")
    if address in LOOPBACK or address.startswith("127."):
        return None
    return address or "every interface"


def require_sign_in() -> Identity:
    """Stop with a sign-in page until the user has signed in (when sign-in is configured).

    Local mode (no ``[auth]``) has no sign-in, so it serves only this machine: on a network
    address it refuses, unless SSW_ALLOW_OPEN_LOCAL_MODE=1 says the risk is accepted, and then
    every page says so."""
    try:
        if not auth_configured() and (address := network_address()) is not None:
            if os.environ.get(OPEN_LOCAL_MODE) != "1":
                st.title("Source Selection Workbench")
                st.error(f"This app listens on {address} without sign-in, so anyone who can reach "
                         "it could read and change every saved evaluation. An administrator must "
                         "configure sign-in ([auth] in .streamlit/secrets.toml) or serve it on "
                         "127.0.0.1 only.", icon=":material/lock:")
                st.stop()
            st.warning(f"Open local mode: this app listens on {address} without sign-in; anyone "
                       "who can reach it can read and change every saved evaluation "
                       f"({OPEN_LOCAL_MODE}=1).", icon=":material/lock_open:")
        who = identity()
    except state.SecretsUnreadable as exc:
        # Fail closed: a broken secrets file must not turn sign-in off.
        st.title("Source Selection Workbench")
        st.error(f"The app is not available: {exc}. An administrator must correct the file "
                 "(it is TOML; the server's log names it and what is wrong) and restart the "
                 "app.", icon=":material/lock:")
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
