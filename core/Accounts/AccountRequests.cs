namespace Moosermail.Core.Accounts;

public sealed record Credentials(string? Email, string? Password);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record DeleteAccountRequest(string? Password);

public sealed record TeamMembership(Guid Id, string Name, string Role, bool Personal, IReadOnlyList<string> Permissions);

public sealed record AccountSummary(Guid Id, string Email, bool EmailVerified, DateTimeOffset CreatedAt, IReadOnlyList<TeamMembership> Teams, Guid ActingTeamId);
