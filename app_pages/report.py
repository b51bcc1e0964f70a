"""Report & share: save versions, share links that reproduce the view, versions and audit log."""

import streamlit as st

from ui import auth, persistence, share_views, state
from ui.widgets import md_escape as esc

open_wb = state.current()
st.title("Report & share")
st.write(
    "Save the evaluation in use as a numbered version (who, when and why are recorded), share "
    "a link that opens exactly this view for someone else, and trace every change."
)
db = persistence.store()
share_views.report_button(db)
if db is None:
    st.stop()

share_views.flash()
ref = persistence.saved()
changes = persistence.unsaved_changes()
if ref is None:
    st.info(f"**{esc(open_wb.name)}** is not saved yet.", icon=":material/info:")
elif changes:
    st.warning(f"Evaluation #{ref.evaluation_id} **{esc(ref.name)}**, version {ref.version.number}, "
               f"with unsaved changes: {esc(', '.join(changes))}.", icon=":material/edit_note:")
else:
    st.success(f"Evaluation #{ref.evaluation_id} **{esc(ref.name)}**, version "
               f"{ref.version.number}, saved by {esc(ref.version.author)} at "
               f"{ref.version.created_at[:19].replace('T', ' ')} UTC.", icon=":material/cloud_done:")

share_views.stale_notice(db)
left, right = st.columns(2, gap="large")
with left:
    who = auth.identity()
    if persistence.role(db) == "chair":
        share_views.save_form(db, who.user_id if who else "unknown")
    else:
        st.caption("Only the panel chair saves new versions of this evaluation.")
with right:
    st.markdown("**Share link**")
    ref = persistence.saved()
    if ref is not None and not persistence.unsaved_changes():
        share_views.share_box(ref)
    else:
        st.caption("Save first: a link always opens a saved version, so what you share is "
                   "exactly what the recipient sees (unsaved what-ifs become a new version).")

if ref is not None:
    st.subheader("Reproduce from the command line")
    share_views.reproduce(db, ref)
    st.subheader("Versions")
    st.dataframe(share_views.versions_frame(db, ref.evaluation_id), hide_index=True)
    st.subheader("Audit log")
    st.caption("Append-only: the database refuses to change or delete an entry.")
    st.dataframe(share_views.audit_frame(db, ref.evaluation_id), hide_index=True)

with st.expander("Open a saved evaluation", icon=":material/history:"):
    share_views.reopen(db)
