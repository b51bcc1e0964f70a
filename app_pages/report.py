"""Report & share: save versions, share links that reproduce the view, versions and audit log."""

import streamlit as st

from ui import auth, envelope_views, persistence, share_views, state
from ui.widgets import md_escape as esc

open_wb = state.current()
st.title("Report & share")
st.write(
    "Save the evaluation in use as a numbered version (who, when and why are recorded), share "
    "a link that opens exactly that version for someone else, and trace every change."
)
db = persistence.store()
if sealed := persistence.sealed():  # every download below holds prices: none until unsealed
    st.info(envelope_views.SEALED_NOTE + " The report, the decision document, the debriefs and "
            "the reproduction bundle hold prices: they can be downloaded once the prices are "
            "unsealed.", icon=":material/lock:")
else:
    share_views.report_button(db)
if db is None:
    st.stop()

share_views.flash()
status = persistence.status()
ref = status.saved
left = persistence.left_behind()
if ref is None:
    st.info(f"**{esc(open_wb.name)}** is a new evaluation, not saved yet."
            + (f" It does not continue evaluation #{left.evaluation_id} **{esc(left.name)}**, "
               "which was open before: saving makes a new evaluation unless you choose to save "
               "it as a revised bid book for that one." if left is not None else ""),
            icon=":material/info:")
elif status.changes:
    st.warning(f"Evaluation #{ref.evaluation_id} **{esc(ref.name)}**, version {ref.version.number}, "
               f"with unsaved changes: {esc(', '.join(status.changes))}.", icon=":material/edit_note:")
else:
    st.success(f"Evaluation #{ref.evaluation_id} **{esc(ref.name)}**, version "
               f"{ref.version.number}, saved by {esc(ref.version.author)} at "
               f"{ref.version.created_at[:19].replace('T', ' ')} UTC.", icon=":material/cloud_done:")
if status.panel_moved:
    persistence.panel_notice(status)

share_views.stale_notice(db)
left_col, right_col = st.columns(2, gap="large")
with left_col:
    who = auth.identity()
    if persistence.role(db) == "chair":
        share_views.save_form(db, who.user_id if who else "unknown")
    else:
        st.caption("Only the panel chair saves new versions of this evaluation.")
with right_col:
    st.markdown("**Share link**")
    if ref is not None and not status.changes:
        share_views.share_box(ref)
    else:
        st.caption("Save first: a link always opens a saved version, so what you share is "
                   "exactly what the recipient sees (unsaved what-ifs become a new version).")

if ref is not None:
    st.subheader(f"Reproduce version {ref.version.number} from the command line")
    if sealed:
        st.caption("Available once the prices are unsealed (the bundle holds the workbook).")
    else:
        share_views.reproduce(db, ref)
    st.subheader("Versions")
    st.dataframe(share_views.versions_frame(db, ref.evaluation_id), hide_index=True)
    st.subheader("Audit log")
    share_views.verdict(db, ref.evaluation_id)
    st.dataframe(share_views.audit_frame(db, ref.evaluation_id), hide_index=True)

with st.expander("Open a saved evaluation", icon=":material/history:"):
    share_views.reopen(db)
