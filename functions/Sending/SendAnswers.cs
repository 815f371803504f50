using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Emails;
using Moosermail.Core.Sending;
using Moosermail.Core.Triggers;
using Moosermail.Functions.Pipeline;

namespace Moosermail.Functions.Sending;

/// <summary>
/// Where an accepted send's outcome becomes HTTP (failures that stop a send before it is accepted are thrown
/// and mapped by the error middleware). A first answer and its idempotent replay are the same outcome, so
/// they map to the same status here.
/// </summary>
public static class SendAnswers
{
    /// <summary>200 when Resend accepted the email during the request, 202 while it waits in the outbox, 422 when Resend refused it for good.</summary>
    public static IResult Send(SendResult result, FunctionContext context) => result.Status switch
    {
        EmailStatus.Failed => ProblemResponse.Result(
            new Problem(StatusCodes.Status422UnprocessableEntity, "Resend refused the email", result.Error ?? "Resend refused the email.")
            {
                Extensions = new Dictionary<string, object?> { ["email_id"] = result.Id },
            },
            context),
        EmailStatus.Sent => Json(result, StatusCodes.Status200OK),
        _ => Json(result, StatusCodes.Status202Accepted),
    };

    /// <summary>202: each email's own status says where it is.</summary>
    public static IResult Batch(BatchResult result) => Json(result, StatusCodes.Status202Accepted);

    public static IResult Fire(FireResult result) => Json(result, StatusCodes.Status200OK);

    /// <summary>A trigger key holder's answer: counts and ids only.</summary>
    public static IResult Fire(AnonymousFireResult result) => Json(result, StatusCodes.Status200OK);

    private static IResult Json<T>(T value, int status) =>
        Results.Content(ApiJson.Serialize(value), "application/json", statusCode: status);
}
