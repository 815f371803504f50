using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Moosermail.Core;
using Moosermail.Core.Data;
using Moosermail.Core.Secrets;
using Moosermail.Core.Senders;
using Moosermail.Tests.Integration.Infrastructure;

namespace Moosermail.Tests.Integration.Senders;

/// <summary>Rotation runs against a database of its own: rewrapping the shared one would strand the other tests' secrets.</summary>
[Collection(AppCollection.Name)]
public sealed class KeyRotationTests(AppFixture app)
{
    private const string KeyV1 = AppFixture.EncryptionKeyHex;
    private const string KeyV2 = "2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfe";

    [Fact]
    public async Task Rewrap_AfterAddingANewKey_MovesEverySecretAndTheOldKeyCanBeRetired()
    {
        var databaseUrl = await TestDatabase.CreateDatabaseAsync(app.ServerUrl, "moosermail_rotation");
        try
        {
            await Migrator.MigrateAsync(databaseUrl, NullLogger.Instance);
            var teamIds = new List<Guid>();
            await using (var v1 = Services(databaseUrl, KeyV1))
            {
                for (var i = 0; i < 3; i++)
                {
                    var user = await CreateTeamAsync(v1);
                    teamIds.Add(user);
                    var cipher = v1.GetRequiredService<SecretCipher>();
                    var senderId = Guid.NewGuid();
                    await v1.GetRequiredService<SenderRepository>().InsertAsync(user, senderId, "s", "a@example.com", "re_…0000",
                        cipher.Encrypt($"re_key_{i}", new SecretContext(SecretContext.ResendApiKey, user, senderId)),
                        new Moosermail.Core.Audit.AuditEntry(Moosermail.Core.Audit.AuditActions.SenderAdded, TeamId: user), DateTimeOffset.UtcNow, CancellationToken.None);
                }
            }

            RewrapReport first, second;
            await using (var rotating = Services(databaseUrl, KeyV2, previous: KeyV1))
            {
                first = await rotating.GetRequiredService<SecretRewrapper>().RunAsync(CancellationToken.None);
                second = await rotating.GetRequiredService<SecretRewrapper>().RunAsync(CancellationToken.None);
            }

            await using var retired = Services(databaseUrl, KeyV2);
            var keys = new List<string>();
            foreach (var teamId in teamIds)
            {
                keys.Add(await retired.GetRequiredService<SenderService>().UseKeyAsync(teamId, null, (_, key) => Task.FromResult(key), CancellationToken.None));
            }

            Assert.Equal(3, first.Rewrapped[EncryptionKeyring.KeyId(Convert.FromHexString(KeyV1))]);
            Assert.Equal(0, first.Failed);
            Assert.Empty(second.Rewrapped);
            Assert.Equal(3, second.AlreadyCurrent);
            Assert.Equal(["re_key_0", "re_key_1", "re_key_2"], keys);
        }
        finally
        {
            await TestDatabase.DropDatabaseAsync(app.ServerUrl, databaseUrl);
        }
    }

    private static async Task<Guid> CreateTeamAsync(IServiceProvider services)
    {
        var teamId = Guid.NewGuid();
        await services.GetRequiredService<Moosermail.Core.Accounts.AccountRepository>()
            .TryCreateAsync(Guid.NewGuid(), TestUsers.NewEmail(), "not-a-real-hash", teamId, CancellationToken.None);
        return teamId;
    }

    private ServiceProvider Services(string databaseUrl, string key, string? previous = null)
    {
        var settings = app.Settings();
        settings["MOOSERMAIL_DATABASE_URL"] = databaseUrl;
        settings["ENCRYPTION_KEY"] = key;
        settings["ENCRYPTION_KEYS_PREVIOUS"] = previous;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddMoosermailCore(configuration).BuildServiceProvider();
    }
}
