//! The single list of actions and input modes. Keymap parsing, validation, the help
//! overlay and hints all derive from these tables; nothing repeats the names by hand.

use std::fmt;

macro_rules! modes {
    ($($variant:ident = $name:literal, $desc:literal;)*) => {
        /// A keymap section: which bindings apply depends on what has focus.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Mode { $($variant),* }

        impl Mode {
            pub const ALL: &'static [Mode] = &[$(Mode::$variant),*];

            /// Section name in keymap files.
            pub fn name(self) -> &'static str {
                match self { $(Mode::$variant => $name),* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Mode::$variant => $desc),* }
            }

            pub fn from_name(name: &str) -> Option<Mode> {
                Mode::ALL.iter().copied().find(|m| m.name() == name)
            }
        }
    };
}

modes! {
    Global = "global", "everywhere (unless the current mode binds the key)";
    Search = "search", "patient search";
    Notes = "notes", "note search";
    Chart = "chart", "chart view";
    Help = "help", "help overlay";
    Popup = "popup", "break-the-glass reason";
    Palette = "palette", "command palette";
    Completion = "completion", "chart completion (analysis queue, provider view, dashboard)";
    Admin = "admin", "administration (HL7 feed, data)";
    Release = "release", "release of information (request queue, detail, extension, QA)";
    Privacy = "privacy", "access-log review (alert queue, evidence, cases)";
    Identity = "identity", "duplicate charts, overlays, paper-chart tracking (scan station, pull list)";
}

impl Mode {
    /// Modes with a text field: an unbound printable key types into it, and global
    /// bindings of printable keys are ignored there (so `q` can quit elsewhere
    /// without making the letter untypeable in a name).
    pub fn has_text_field(self) -> bool {
        matches!(
            self,
            Mode::Search | Mode::Notes | Mode::Popup | Mode::Palette
        )
    }
}

macro_rules! actions {
    ($($variant:ident = $name:literal, $desc:literal, [$($mode:ident),+];)*) => {
        /// Everything a key can do.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($variant),* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            /// Name in keymap files (`page_down`).
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name),* }
            }

            /// What the help overlay says about it.
            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => $desc),* }
            }

            /// Sections it may be bound in.
            pub fn modes(self) -> &'static [Mode] {
                match self { $(Action::$variant => &[$(Mode::$mode),+]),* }
            }
        }
    };
}

actions! {
    Quit = "quit", "quit chartroom", [Global, Search, Notes, Chart, Completion, Admin, Release, Privacy, Identity];
    Help = "help", "show or hide this help", [Global, Search, Notes, Chart, Help, Completion, Admin, Release, Privacy, Identity];
    Back = "back", "go back / close", [Global, Notes, Chart, Help, Palette];
    Up = "up", "move up", [Search, Notes, Chart, Help, Popup, Palette];
    Down = "down", "move down", [Search, Notes, Chart, Help, Popup, Palette];
    PageUp = "page_up", "page up", [Search, Notes, Chart, Help, Palette];
    PageDown = "page_down", "page down", [Search, Notes, Chart, Help, Palette];
    Top = "top", "go to the top", [Search, Notes, Chart, Help, Palette];
    Bottom = "bottom", "go to the bottom", [Search, Notes, Chart, Help, Palette];
    Open = "open", "open the selected chart, document or note", [Search, Notes, Chart];
    DeleteBack = "delete_back", "delete the character before the cursor", [Search, Notes, Popup, Palette];
    ClearLine = "clear_line", "clear the text field", [Search, Notes, Popup, Palette];
    NoteSearch = "note_search", "switch patient search / note search", [Search, Notes];
    NextSection = "next_section", "next chart section", [Chart];
    PrevSection = "prev_section", "previous chart section", [Chart];
    Demographics = "section_demographics", "show demographics", [Chart];
    Encounters = "section_encounters", "show encounters", [Chart];
    Documents = "section_documents", "show documents", [Chart];
    Reading = "section_reading", "show the reading pane", [Chart];
    Confirm = "confirm", "confirm the reason and open the chart", [Popup];
    Cancel = "cancel", "cancel without opening the chart", [Popup];
    Palette = "palette", "open the command palette", [Global, Search, Notes, Chart, Help, Completion, Admin, Release, Privacy, Identity];
    Run = "run", "run the chosen command", [Palette];
    NextTab = "next_tab", "next completion tab", [Completion];
    TabQueue = "tab_queue", "analysis queue: discharged charts awaiting review", [Completion];
    TabProvider = "tab_provider", "provider view: one provider's outstanding deficiencies", [Completion];
    TabDashboard = "tab_dashboard", "dashboard: aging, backlog, suspension, delinquency", [Completion];
    AddDeficiency = "add_deficiency", "record a manual deficiency on the chart", [Completion];
    CompleteDeficiency = "complete_deficiency", "mark the deficiencies completed", [Completion];
    VerifyDeficiency = "verify_deficiency", "verify completed deficiencies (HIM)", [Completion];
    CloseDeficiency = "close_deficiency", "close verified deficiencies", [Completion];
    ReturnDeficiency = "return_deficiency", "return to the analyst (asks why)", [Completion];
    CancelDeficiency = "cancel_deficiency", "cancel deficiencies (asks why)", [Completion];
    AssignDeficiency = "assign_deficiency", "assign the deficiencies to a provider", [Completion];
    MarkReviewed = "mark_reviewed", "mark the chart analysed (no more deficiencies)", [Completion];
    Refresh = "refresh", "reload the data on screen", [Completion, Admin, Release, Privacy, Identity];
    NextStatus = "next_status", "show the next status: open, logged, pending authorization, on hold, in fulfillment, QA, pending payment, released, closed, all", [Release];
    ExtendRequest = "extend_request", "extend the request once by 30 days (asks why)", [Release];
    ConfirmQa = "confirm_qa", "QA: confirm every page belongs to the patient", [Release];
    PrivacyView = "privacy_view", "switch between the alert queue and the cases", [Privacy];
    DismissAlert = "dismiss_alert", "dismiss the selected alerts (asks why)", [Privacy];
    PromoteAlert = "promote_alert", "open one case for the selected alerts", [Privacy];
    StartReview = "start_review", "case: put under review", [Privacy];
    DetermineCase = "determine_case", "case: record the determination", [Privacy];
    CloseCase = "close_case", "case: close (after the determination)", [Privacy];
    ReopenCase = "reopen_case", "case: reopen for review", [Privacy];
    NoteCase = "note_case", "case: add a note", [Privacy];
    WorkspaceSearch = "workspace_search", "go to the Search workspace", [Global, Search, Notes, Chart, Completion, Admin, Release, Privacy, Identity];
    WorkspaceCompletion = "workspace_completion", "go to the Completion workspace", [Global, Search, Notes, Chart, Completion, Admin, Release, Privacy, Identity];
    WorkspaceRelease = "workspace_release", "go to the Release workspace", [Global, Search, Notes, Chart, Completion, Admin, Release, Privacy, Identity];
    WorkspacePrivacy = "workspace_privacy", "go to the Privacy workspace", [Global, Search, Notes, Chart, Completion, Admin, Release, Privacy, Identity];
    WorkspaceIdentity = "workspace_identity", "go to the Identity workspace", [Global, Search, Notes, Chart, Completion, Admin, Release, Privacy, Identity];
    WorkspaceAdmin = "workspace_admin", "go to the Admin workspace", [Global, Search, Notes, Chart, Completion, Admin, Release, Privacy, Identity];
    NewRequest = "new_request", "enter a new request (the validator's verdict is live)", [Release];
    StartRequest = "start_request", "start fulfillment of a logged request", [Release];
    AwaitAuthorization = "await_authorization", "wait on an authorization asked of the requester", [Release];
    PaymentStep = "payment_step", "issue the invoice, or record its payment", [Release];
    ReleaseRequest = "release_request", "release: write the packet and manifest", [Release];
    DenyRequest = "deny_request", "deny the request (asks the basis)", [Release];
    CancelRequest = "cancel_request", "cancel the request (asks why)", [Release];
    IdentityView = "identity_view", "next view: duplicate pairs, overlays, charts out, pull list", [Identity];
    MergePair = "merge_pair", "verified duplicate: merge (choose the survivor)", [Identity];
    NotDuplicate = "not_duplicate", "verified not a duplicate: never proposed again (asks why)", [Identity];
    DeferPair = "defer_pair", "defer the pair (asks why)", [Identity];
    UnmergePair = "unmerge_pair", "unmerge a merged pair (asks why)", [Identity];
    ScanCheckIn = "scan_check_in", "scan station: scans check charts in", [Identity];
    ScanChargeOut = "scan_charge_out", "scan station: scans charge charts out (asks where)", [Identity];
    MarkMissing = "mark_missing", "mark the chart missing (not where the records say)", [Identity];
    PreviousDay = "previous_day", "pull list: the day before", [Identity];
    NextDay = "next_day", "pull list: the day after", [Identity];
    ReleaseDashboard = "release_dashboard", "dashboard: open by status, clocks, turnaround, per requester type", [Release];
    PatientTimeline = "patient_timeline", "timeline: every access to the patient, per day (esc back)", [Privacy];
    UserActivity = "user_activity", "activity: the user's accesses per day and patients touched (esc back)", [Privacy];
}

impl Action {
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    pub fn allowed_in(self, mode: Mode) -> bool {
        self.modes().contains(&mode)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(*a));
            assert!(seen.insert(a.name()), "duplicate action name {}", a.name());
        }
        for m in Mode::ALL {
            assert_eq!(Mode::from_name(m.name()), Some(*m));
        }
    }
}
