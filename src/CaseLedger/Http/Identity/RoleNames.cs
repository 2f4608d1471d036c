namespace CaseLedger.Http.Identity;

/// <summary>
/// Who may use the audit endpoints, as the role lists their <c>[Authorize]</c> attributes need
/// (constants, by the roles' written names).
/// </summary>
public static class RoleNames
{
    /// <summary>The cross-district audit trail: auditors and administrators.</summary>
    public const string AuditTrail = "auditor,administrator";

    /// <summary>A case's history, its state at a moment, its bundle, searches and verification: the district's clerks, auditors and administrators.</summary>
    public const string CaseRecords = "clerk,auditor,administrator";

    /// <summary>Hand-overs and complaints, recorded on a case of any kind: the district's clerks and administrators.</summary>
    public const string CaseWork = "clerk,administrator";

    /// <summary>Sealing a district: administrators.</summary>
    public const string Sealing = "administrator";
}
