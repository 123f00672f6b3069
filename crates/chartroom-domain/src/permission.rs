//! What each role may do, as data: one table, one pure lookup.
//!
//! Services call `require(session, Permission::…)` before every use case; the UI asks the
//! same table which workspaces and palette actions to offer. A new workflow adds its
//! permissions here and one row per role, and the table test below forces a decision for
//! every pair (no permission is granted by default).

use super::staff::Role;

/// Every action a service offers, today's and the workflows'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Search patients and notes (audited as searches).
    SearchCharts,
    /// Open a chart or one of its documents (audited).
    OpenChart,
    /// Open a restricted, VIP, employee, sensitive or one's own chart with a reason.
    BreakGlass,
    /// Read the audit trail ("who looked at this record?").
    ViewAuditTrail,
    /// Record a deficiency on a chart, assign it, mark it completed.
    RecordDeficiency,
    /// Verify a completed deficiency (HIM's check before the chart is complete).
    VerifyDeficiency,
    /// Log, validate and work a release-of-information request.
    LogRoiRequest,
    /// Release records for a request (the disclosure itself).
    ReleaseRoi,
    /// Work privacy alerts and cases.
    ReviewAccess,
    /// Merge or unmerge duplicate charts, decide duplicate pairs.
    MergeCharts,
    /// Load charts into the store (Synthea, FHIR, HL7, demo generation).
    ImportData,
    /// Write identified charts out of the store (Synthea CSV, eval query files).
    ExportData,
    /// Rebuild or check the derived search index.
    MaintainIndex,
    /// See the staff roster.
    ListUsers,
    /// Add, change and disable staff users and their keys.
    ManageUsers,
    /// Configuration, benchmarks and everything else an administrator does.
    Administer,
    /// See the completion queues and a chart's deficiencies (everyone reads them).
    ViewDeficiencies,
    /// Move any open deficiency to another provider, in bulk (returned ones are the
    /// analyst's to route again under `RecordDeficiency`).
    ReassignDeficiency,
    /// Aging, backlog, suspension and delinquency reports; provider letters.
    DeficiencyReports,
    /// Write a Safe Harbor de-identified research extract (no identified chart leaves).
    ExportDeidentified,
    /// See charts past retention; set and clear legal holds.
    ManageRetention,
    /// Destroy charts past retention (recorded in the destruction log).
    DestroyCharts,
}

impl Permission {
    pub const ALL: [Permission; 22] = [
        Permission::SearchCharts,
        Permission::OpenChart,
        Permission::BreakGlass,
        Permission::ViewAuditTrail,
        Permission::RecordDeficiency,
        Permission::VerifyDeficiency,
        Permission::LogRoiRequest,
        Permission::ReleaseRoi,
        Permission::ReviewAccess,
        Permission::MergeCharts,
        Permission::ImportData,
        Permission::ExportData,
        Permission::MaintainIndex,
        Permission::ListUsers,
        Permission::ManageUsers,
        Permission::Administer,
        Permission::ViewDeficiencies,
        Permission::ReassignDeficiency,
        Permission::DeficiencyReports,
        Permission::ExportDeidentified,
        Permission::ManageRetention,
        Permission::DestroyCharts,
    ];

    /// What the permission lets a user do, for refusals ("analyst users may not …").
    pub fn describe(self) -> &'static str {
        match self {
            Permission::SearchCharts => "search charts",
            Permission::OpenChart => "open charts",
            Permission::BreakGlass => "open protected charts",
            Permission::ViewAuditTrail => "read the audit trail",
            Permission::RecordDeficiency => "record deficiencies",
            Permission::VerifyDeficiency => "verify deficiencies",
            Permission::LogRoiRequest => "log release-of-information requests",
            Permission::ReleaseRoi => "release records",
            Permission::ReviewAccess => "review access logs",
            Permission::MergeCharts => "merge charts",
            Permission::ImportData => "import data",
            Permission::ExportData => "export charts",
            Permission::MaintainIndex => "rebuild the search index",
            Permission::ListUsers => "list users",
            Permission::ManageUsers => "change users",
            Permission::Administer => "administer chartroom",
            Permission::ViewDeficiencies => "see deficiencies",
            Permission::ReassignDeficiency => "reassign deficiencies",
            Permission::DeficiencyReports => "see completion reports",
            Permission::ExportDeidentified => "export de-identified data",
            Permission::ManageRetention => "manage record retention",
            Permission::DestroyCharts => "destroy charts",
        }
    }

    /// A stable code for audit details and the command palette.
    pub fn code(self) -> &'static str {
        match self {
            Permission::SearchCharts => "search-charts",
            Permission::OpenChart => "open-chart",
            Permission::BreakGlass => "break-glass",
            Permission::ViewAuditTrail => "view-audit",
            Permission::RecordDeficiency => "record-deficiency",
            Permission::VerifyDeficiency => "verify-deficiency",
            Permission::LogRoiRequest => "log-roi",
            Permission::ReleaseRoi => "release-roi",
            Permission::ReviewAccess => "review-access",
            Permission::MergeCharts => "merge-charts",
            Permission::ImportData => "import",
            Permission::ExportData => "export",
            Permission::MaintainIndex => "maintain-index",
            Permission::ListUsers => "list-users",
            Permission::ManageUsers => "manage-users",
            Permission::Administer => "administer",
            Permission::ViewDeficiencies => "view-deficiencies",
            Permission::ReassignDeficiency => "reassign-deficiency",
            Permission::DeficiencyReports => "deficiency-reports",
            Permission::ExportDeidentified => "export-deidentified",
            Permission::ManageRetention => "manage-retention",
            Permission::DestroyCharts => "destroy-charts",
        }
    }
}

/// Whether `role` may do `permission`. The whole policy is this table (DOMAIN.md "Who
/// uses it"): everyone finds and reads charts; each specialist works their own queue;
/// the supervisor oversees every workflow and the roster; the admin may do everything.
pub fn allowed(role: Role, permission: Permission) -> bool {
    use Permission as P;
    let chart_work = matches!(
        permission,
        P::SearchCharts | P::OpenChart | P::BreakGlass | P::ViewDeficiencies
    );
    match role {
        Role::Admin => true,
        // A researcher never sees an identified chart: de-identified extracts only.
        Role::Research => permission == P::ExportDeidentified,
        Role::Clerk => chart_work,
        Role::Analyst => {
            chart_work || matches!(permission, P::RecordDeficiency | P::VerifyDeficiency)
        }
        Role::Roi => chart_work || matches!(permission, P::LogRoiRequest | P::ReleaseRoi),
        Role::Privacy => chart_work || matches!(permission, P::ReviewAccess | P::ViewAuditTrail),
        Role::Supervisor => {
            chart_work
                || matches!(
                    permission,
                    P::ViewAuditTrail
                        | P::RecordDeficiency
                        | P::VerifyDeficiency
                        | P::LogRoiRequest
                        | P::ReleaseRoi
                        | P::ReviewAccess
                        | P::MergeCharts
                        | P::ListUsers
                        | P::ReassignDeficiency
                        | P::DeficiencyReports
                        | P::ManageRetention
                        | P::DestroyCharts
                )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole policy, spelled out: one row per role, one column per permission in
    /// `Permission::ALL` order. Changing the policy means changing this table on purpose.
    #[test]
    fn every_role_against_every_permission() {
        #[rustfmt::skip]
        let table: [(Role, [u8; 22]); 7] = [
            //                 srch open glas audt rDef vDef lROI rROI revw merg impt expt indx lUsr mUsr admn seeD reaD rptD deid rete dest
            (Role::Clerk,      [1,   1,   1,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   1,   0,   0,   0,   0,   0]),
            (Role::Analyst,    [1,   1,   1,   0,   1,   1,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   1,   0,   0,   0,   0,   0]),
            (Role::Roi,        [1,   1,   1,   0,   0,   0,   1,   1,   0,   0,   0,   0,   0,   0,   0,   0,   1,   0,   0,   0,   0,   0]),
            (Role::Privacy,    [1,   1,   1,   1,   0,   0,   0,   0,   1,   0,   0,   0,   0,   0,   0,   0,   1,   0,   0,   0,   0,   0]),
            (Role::Supervisor, [1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   0,   0,   0,   1,   0,   0,   1,   1,   1,   0,   1,   1]),
            (Role::Admin,      [1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1]),
            (Role::Research,   [0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   1,   0,   0]),
        ];
        assert_eq!(table.len(), Role::ALL.len());
        for (role, row) in table {
            for (permission, expected) in Permission::ALL.into_iter().zip(row) {
                assert_eq!(
                    allowed(role, permission),
                    expected == 1,
                    "{} / {}",
                    role.code(),
                    permission.code()
                );
            }
        }
    }

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = Permission::ALL.iter().map(|p| p.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Permission::ALL.len());
    }
}
