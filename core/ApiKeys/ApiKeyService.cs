using Microsoft.Extensions.Logging;
using Moosermail.Core.Audit;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;

namespace Moosermail.Core.ApiKeys;

public sealed class ApiKeyService(ApiKeyRepository keys, TimeProvider time, ILogger<ApiKeyService> logger)
{
    public const int MaxNameLength = 100;

    public async Task<CreatedApiKey> CreateAsync(Caller caller, CreateApiKeyRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            errors.Add("name", $"is required, 1 to {MaxNameLength} characters.");
        }

        if (request.ExpiresIn is null || !ApiKeyExpiry.Choices.TryGetValue(request.ExpiresIn, out var lifetime))
        {
            errors.Add("expires_in", $"must be one of: {string.Join(", ", ApiKeyExpiry.Choices.Keys)}.");
            lifetime = null;
        }
        else if (lifetime is null && caller.Credential != CredentialKind.Session)
        {
            errors.Add("expires_in", "cannot be never when an API key creates the key: only a signed-in session creates a key that never expires.");
        }

        var permissions = request.Permissions?.Distinct(StringComparer.Ordinal).ToList() ?? caller.Permissions.Order(StringComparer.Ordinal).ToList();
        var beyond = permissions.Where(p => !caller.Has(p)).ToList();
        if (beyond.Count > 0 || permissions.Count == 0)
        {
            errors.Add("permissions", $"must be a non-empty subset of yours: {string.Join(", ", caller.Permissions.Order(StringComparer.Ordinal))}. Not allowed: {string.Join(", ", beyond)}.");
        }

        errors.ThrowIfAny();
        var key = ApiKeyFormat.Generate();
        var now = time.GetUtcNow();
        var created = new CreatedApiKey(Guid.NewGuid(), key, ApiKeyFormat.DisplayPrefix(key), name!, permissions, ExpiresAt(caller, now + lifetime), now);
        await keys.InsertAsync(created.Id, caller.TeamId, caller.UserId, created.Name, ApiKeyFormat.Hash(key), created.Prefix, permissions, created.ExpiresAt, now,
            AuditEntry.By(caller, AuditActions.ApiKeyCreated, "api_key", created.Id.ToString(), new { name = created.Name, prefix = created.Prefix, permissions, expires_at = created.ExpiresAt }), cancellationToken);
        logger.LogInformation("API key {ApiKeyId} ({Prefix}) created in team {TeamId}", created.Id, created.Prefix, caller.TeamId);
        return created;
    }

    public Task<IReadOnlyList<ApiKeySummary>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        keys.ListForTeamAsync(caller.TeamId, cancellationToken);

    /// <summary>
    /// Revokes one of the team's keys: the caller's own with api_keys:write, someone else's only with team:admin too,
    /// so a member cannot cut off the owner's integrations.
    /// </summary>
    public async Task RevokeAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var creator = await keys.FindCreatorAsync(caller.TeamId, id, cancellationToken) ?? throw new NotFoundException("No API key with this id in your team.");
        var mayRevokeOthers = caller.Has(Permissions.TeamAdmin);
        if (creator != caller.UserId && !mayRevokeOthers)
        {
            throw new ForbiddenException($"This key was created by another member; revoking it needs the '{Permissions.TeamAdmin}' permission.");
        }

        if (!await keys.DeleteAsync(caller.TeamId, id, mayRevokeOthers ? null : caller.UserId,
            AuditEntry.By(caller, AuditActions.ApiKeyRevoked, "api_key", id.ToString()), time.GetUtcNow(), cancellationToken))
        {
            throw new NotFoundException("No API key with this id in your team.");
        }

        logger.LogInformation("API key {ApiKeyId} revoked in team {TeamId}", id, caller.TeamId);
    }

    /// <summary>A key ends no later than the key that creates it, so it cannot outlive its parent's holder.</summary>
    private static DateTimeOffset? ExpiresAt(Caller caller, DateTimeOffset? requested) =>
        caller.Credential == CredentialKind.ApiKey && caller.CredentialExpiresAt is { } parent && (requested is null || requested > parent)
            ? parent
            : requested;
}
