//! The workspace shell: the records-room workflows a user switches between. Each
//! workspace needs one permission; only built workspaces the role may use are listed,
//! so a workflow that is not written yet is simply absent (never a dead menu entry).

use super::action::Action;
use chartroom_domain::{allowed, Permission, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Workspace {
    /// Patient and note search, charts: what every role starts in.
    Search,
    /// Chart completion (deficiencies).
    Completion,
    /// Release of information.
    Release,
    /// Privacy alerts and cases.
    Privacy,
    /// Duplicate charts and merges.
    Identity,
    /// Users and data maintenance.
    Admin,
}

impl Workspace {
    pub const ALL: [Workspace; 6] = [
        Workspace::Search,
        Workspace::Completion,
        Workspace::Release,
        Workspace::Privacy,
        Workspace::Identity,
        Workspace::Admin,
    ];

    /// Shown in the status bar and the palette.
    pub fn title(self) -> &'static str {
        match self {
            Workspace::Search => "Search",
            Workspace::Completion => "Completion",
            Workspace::Release => "Release",
            Workspace::Privacy => "Privacy",
            Workspace::Identity => "Identity",
            Workspace::Admin => "Admin",
        }
    }

    /// What a role needs to enter it (checked with `chartroom_domain::allowed`, the same
    /// table the services enforce, so the UI never offers what the services would refuse).
    pub fn permission(self) -> Permission {
        match self {
            Workspace::Search => Permission::SearchCharts,
            Workspace::Completion => Permission::RecordDeficiency,
            Workspace::Release => Permission::LogRoiRequest,
            Workspace::Privacy => Permission::ReviewAccess,
            Workspace::Identity => Permission::MergeCharts,
            Workspace::Admin => Permission::Administer,
        }
    }

    /// Whether its screens exist yet. The one place a new workflow is switched on.
    pub fn built(self) -> bool {
        matches!(
            self,
            Workspace::Search
                | Workspace::Completion
                | Workspace::Release
                | Workspace::Privacy
                | Workspace::Identity
                | Workspace::Admin
        )
    }

    /// The keymap action that switches to it.
    pub fn action(self) -> Action {
        match self {
            Workspace::Search => Action::WorkspaceSearch,
            Workspace::Completion => Action::WorkspaceCompletion,
            Workspace::Release => Action::WorkspaceRelease,
            Workspace::Privacy => Action::WorkspacePrivacy,
            Workspace::Identity => Action::WorkspaceIdentity,
            Workspace::Admin => Action::WorkspaceAdmin,
        }
    }

    pub fn from_action(action: Action) -> Option<Workspace> {
        Workspace::ALL
            .iter()
            .copied()
            .find(|w| w.action() == action)
    }

    /// Why `role` cannot enter it, or `None` if it can.
    pub fn refusal(self, role: Role) -> Option<String> {
        if !allowed(role, self.permission()) {
            Some(format!(
                "{}: not permitted for {}",
                self.title(),
                role.code()
            ))
        } else if !self.built() {
            Some(format!("{}: not available", self.title()))
        } else {
            None
        }
    }

    /// The workspaces `role` can enter, in menu order.
    pub fn available(role: Role) -> Vec<Workspace> {
        Workspace::ALL
            .iter()
            .copied()
            .filter(|w| w.refusal(role).is_none())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_built_and_permitted_workspaces_are_available() {
        for role in Role::ALL {
            let mut expected = Vec::new();
            if allowed(role, Permission::SearchCharts) {
                expected.push(Workspace::Search);
            }
            if allowed(role, Permission::RecordDeficiency) {
                expected.push(Workspace::Completion);
            }
            if allowed(role, Permission::LogRoiRequest) {
                expected.push(Workspace::Release);
            }
            if allowed(role, Permission::ReviewAccess) {
                expected.push(Workspace::Privacy);
            }
            if allowed(role, Permission::MergeCharts) {
                expected.push(Workspace::Identity);
            }
            if allowed(role, Permission::Administer) {
                expected.push(Workspace::Admin);
            }
            assert_eq!(Workspace::available(role), expected);
        }
        assert_eq!(
            Workspace::Completion.refusal(Role::Clerk).as_deref(),
            Some("Completion: not permitted for clerk")
        );
        for w in Workspace::ALL {
            assert_eq!(Workspace::from_action(w.action()), Some(w));
        }
    }
}
