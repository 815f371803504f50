using Moosermail.Core.OperatorMail;
using Moosermail.Core.Teams;
using Npgsql;

namespace Moosermail.Core.OperatorMail;

/// <summary>
/// Invitations go out as operator mail (never through the inviting team's key): queued in operator_mail and
/// sent after the answer. Returns false when operator mail is off; the inviter then shares the link.
/// </summary>
public sealed class OperatorInvitationMailer(OperatorMailer mailer, NpgsqlDataSource dataSource, TimeProvider time) : IInvitationMailer
{
    public async Task<bool> SendAsync(InvitationMail mail, CancellationToken cancellationToken)
    {
        if (!mailer.IsConfigured)
        {
            return false;
        }

        var queued = mailer.Compose("invitation", mail.Email, $"{mail.InvitedByEmail} invited you to {mail.TeamName} on Moosermail",
            $$"""
            {{mail.InvitedByEmail}} invited {{mail.Email}} to join the team "{{mail.TeamName}}" on Moosermail as {{mail.Role}}.

            Accept before {{mail.ExpiresAt:yyyy-MM-dd HH:mm}} UTC, signed in with this address (and with the address verified):
            {{mail.AcceptUrl}}

            If you did not expect this, ignore this mail.
            """);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await OperatorMailRepository.EnqueueAsync(connection, null, queued, time.GetUtcNow(), cancellationToken);
        }

        mailer.SendSoon(queued.Id);
        return true;
    }
}
