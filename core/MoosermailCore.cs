using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Moosermail.Core.Accounts;
using Moosermail.Core.ApiKeys;
using Moosermail.Core.Audit;
using Moosermail.Core.Configuration;
using Moosermail.Core.Contacts;
using Moosermail.Core.Cron;
using Moosermail.Core.Data;
using Moosermail.Core.Drafts;
using Moosermail.Core.Emails;
using Moosermail.Core.Health;
using Moosermail.Core.Inbox;
using Moosermail.Core.Maintenance;
using Moosermail.Core.OperatorMail;
using Moosermail.Core.Outbound;
using Moosermail.Core.OutboundWebhooks;
using Moosermail.Core.Pipes;
using Moosermail.Core.RateLimiting;
using Moosermail.Core.Resend;
using Moosermail.Core.Secrets;
using Moosermail.Core.Security;
using Moosermail.Core.Senders;
using Moosermail.Core.Sending;
using Moosermail.Core.Stats;
using Moosermail.Core.Suppressions;
using Moosermail.Core.Teams;
using Moosermail.Core.Templates;
using Moosermail.Core.Triggers;
using Moosermail.Core.Webhooks;

namespace Moosermail.Core;

public static class MoosermailCore
{
    /// <summary>
    /// Registers every core service. Validates settings first, so a bad configuration fails here, at start,
    /// and not on the first request. Does no I/O.
    /// </summary>
    public static IServiceCollection AddMoosermailCore(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = MoosermailSettings.Load(configuration);
        services.AddSingleton(settings);
        var database = DatabaseSettings.Load(configuration);
        services.AddSingleton(database);
        services.AddSingleton(EncryptionKeyring.FromConfiguration(settings, configuration));
        services.AddSingleton<SecretCipher>();
        services.AddSingleton<SecretRewrapper>();
        services.AddSingleton<SenderRepository>();
        services.AddSingleton<SenderService>();
        services.AddSingleton<OutboxRepository>();
        services.AddSingleton<ResendPacer>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<AcceptRepository>();
        services.AddSingleton<SendAcceptance>();
        services.AddSingleton<EmailComposer>();
        services.AddSingleton<SendService>();
        services.AddSingleton<EmailRepository>();
        services.AddSingleton<EmailService>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => Database.CreateDataSource(database));
        services.AddSingleton<HealthService>();
        services.AddSingleton<SchemaGate>();
        services.AddSingleton<SecurityCleanupService>();
        services.AddSingleton(RetentionOptions.Load(configuration));
        services.AddSingleton<DataRetentionService>();
        services.AddSingleton(RateLimitOptions.Load(configuration));
        services.AddSingleton<RateLimitStore>();
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<AccountRepository>();
        services.AddSingleton<AccountService>();
        services.AddSingleton(SignupSettings.Load(configuration));
        services.AddSingleton(OperatorMailSettings.Load(configuration));
        services.AddSingleton<OperatorMailRepository>();
        services.AddSingleton<OperatorMailer>();
        services.AddSingleton<AccountRecoveryRepository>();
        services.AddSingleton<AccountRecoveryService>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<ApiKeyRepository>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<TemplateRenderer>();
        services.AddSingleton<TemplateRepository>();
        services.AddSingleton<TemplateService>();
        services.AddSingleton<TriggerRepository>();
        services.AddSingleton<TriggerService>();
        services.AddSingleton<TriggerFiring>();
        services.AddSingleton<PipeRepository>();
        services.AddSingleton<PipeService>();
        services.AddSingleton<PipeRunRepository>();
        services.AddSingleton<PipeWorkRepository>();
        services.AddSingleton<PipeActionRunner>();
        services.AddSingleton<PipeProcessor>();
        services.AddSingleton<IReceivedMailObserver, PipeNudge>();
        services.AddSingleton<ContactRepository>();
        services.AddSingleton<ContactService>();
        services.AddSingleton<ContactImportService>();
        services.AddSingleton<CronRepository>();
        services.AddSingleton<CronScheduleRepository>();
        services.AddSingleton<CronService>();
        services.AddSingleton<CronRunner>();
        services.AddResendClient(settings.ResendBaseUrl);
        services.AddSingleton<WebhookSignatureVerifier>();
        services.AddSingleton<WebhookEndpointRepository>();
        services.AddSingleton<WebhookSettingsService>();
        services.AddSingleton<WebhookEventRepository>();
        services.AddSingleton<WebhookStoreBatcher>();
        services.AddSingleton<WebhookEndpointCache>();
        services.AddSingleton<DeliveryStatusRepository>();
        services.AddSingleton<DeliveryEventFolder>();
        services.AddSingleton<WebhookIngestService>();
        services.AddSingleton(DeliveryReconcileOptions.FromConfiguration(configuration));
        services.AddSingleton<DeliveryReconciler>();
        services.AddInbox(configuration);
        services.AddDrafts();
        services.AddSingleton<SuppressionRepository>();
        services.AddSingleton<SuppressionService>();
        services.AddSingleton<StatsRepository>();
        services.AddSingleton<StatsService>();
        services.AddSingleton(AuditOptions.Load(configuration));
        services.AddSingleton<AuditRepository>();
        services.AddSingleton<AuditService>();
        services.AddSingleton<TeamRepository>();
        services.AddSingleton<TeamService>();
        services.AddSingleton<MemberService>();
        services.AddSingleton<InvitationRepository>();
        services.AddSingleton<InvitationService>();
        services.AddOutboundGuard(configuration);
        services.AddSingleton<OutboundWebhookRepository>();
        services.AddSingleton<OutboundDispatchRepository>();
        services.AddSingleton<OutboundWebhookService>();
        services.AddSingleton<OutboundWebhookDispatcher>();
        // Seams the operator-mail and email-verification work replace by registering first.
        services.TryAddSingleton<IInvitationMailer, OperatorInvitationMailer>();
        services.TryAddSingleton<IInvitationAcceptancePolicy, VerifiedAccountsMayAccept>();
        return services;
    }
}
