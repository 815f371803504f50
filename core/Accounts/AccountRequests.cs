namespace Moosermail.Core.Accounts;

public sealed record Credentials(string? Email, string? Password);

/// <summary><c>revoke_api_keys: true</c> also revokes every mk_ key the user created, in every team.</summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword, bool? RevokeApiKeys = null);

/// <summary>The answer to a password change: every session ended; how many mk_ keys went with them.</summary>
public sealed record PasswordChanged(int ApiKeysRevoked);

public sealed record DeleteAccountRequest(string? Password);

public sealed record TeamMembership(Guid Id, string Name, string Role, bool Personal, IReadOnlyList<string> Permissions);

public sealed record AccountSummary(Guid Id, string Email, bool EmailVerified, DateTimeOffset CreatedAt, IReadOnlyList<TeamMembership> Teams, Guid ActingTeamId);
