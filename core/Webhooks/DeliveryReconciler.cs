using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.Resend;
using Moosermail.Core.Secrets;
using Moosermail.Core.Senders;
using Moosermail.Core.Sending;

namespace Moosermail.Core.Webhooks;

/// <summary>How long an email may sit in 'sent' before the timer asks Resend about it (WEBHOOK_RECONCILE_AFTER_MINUTES, default 60).</summary>
public sealed record DeliveryReconcileOptions(TimeSpan StuckAfter)
{
    public const string StuckAfterKey = "WEBHOOK_RECONCILE_AFTER_MINUTES";

    public static DeliveryReconcileOptions FromConfiguration(IConfiguration configuration) =>
        int.TryParse(configuration[StuckAfterKey], System.Globalization.CultureInfo.InvariantCulture, out var minutes) && minutes > 0
            ? new(TimeSpan.FromMinutes(minutes))
            : new(TimeSpan.FromHours(1));
}

/// <summary>
/// The safety net behind webhooks: folds events that arrived before their send recorded resend_id or whose queued
/// fold a stopped instance never did (<see cref="WebhookFoldWorker"/>), and asks Resend
/// (GET /emails/{id}, with the sender's key, paced) about emails stuck in 'sent', applying last_event by the same
/// monotonic rule.
/// </summary>
public sealed class DeliveryReconciler(
    WebhookEventRepository events,
    DeliveryEventFolder folder,
    DeliveryStatusRepository deliveries,
    SenderService senders,
    ResendClient resend,
    ResendPacer pacer,
    DeliveryReconcileOptions options,
    TimeProvider time,
    ILogger<DeliveryReconciler> logger)
{
    /// <summary>Unmatched events older than this are left alone: Resend keeps emails for 30 days, races last seconds.</summary>
    public static readonly TimeSpan RefoldWindow = TimeSpan.FromDays(3);

    /// <summary>A queued fold older than this belongs to an instance that stopped before folding it (the worker takes milliseconds).</summary>
    public static readonly TimeSpan QueuedFoldTimeout = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan s_stuckWindow = TimeSpan.FromDays(7);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await events.ReleaseQueuedFoldsAsync(now - QueuedFoldTimeout, [], cancellationToken);
        var folded = 0;
        foreach (var id in await events.ListFoldableAsync(now - RefoldWindow, limit: 1000, cancellationToken))
        {
            folded += await folder.FoldAsync(id, cancellationToken) ? 1 : 0;
        }

        var stuck = await deliveries.ListStuckAsync(now - options.StuckAfter, now - s_stuckWindow, now - options.StuckAfter, limit: 100, cancellationToken);
        foreach (var email in stuck)
        {
            await ReconcileAsync(email, cancellationToken);
        }

        logger.LogInformation("Delivery reconcile: {Folded} late event(s) folded, {Stuck} stuck email(s) checked", folded, stuck.Count);
    }

    private async Task ReconcileAsync(StuckEmail email, CancellationToken cancellationToken)
    {
        string? lastEvent = null;
        try
        {
            var result = await senders.UseKeyAsync(email.TeamId, email.SenderId, async (_, apiKey) =>
            {
                await pacer.WaitForSlotAsync(email.SenderId, cancellationToken);
                return await resend.GetEmailAsync(apiKey, email.ResendId, cancellationToken);
            }, cancellationToken);
            if (result.Error is { IsTransient: true })
            {
                return; // try again next run
            }

            lastEvent = result.Value?.LastEvent;
        }
        catch (Exception ex) when (ex is SenderUnavailableException or SecretDecryptionException)
        {
            logger.LogWarning("Cannot check email {EmailId} with Resend: its sender is gone or its key unreadable", email.Id);
        }

        await deliveries.ApplyReconciledAsync(email, lastEvent, time.GetUtcNow(), cancellationToken);
    }
}
