using Microsoft.Azure.Functions.Worker;
using Moosermail.Core.Pipes;

namespace Moosermail.Functions.Pipes;

public sealed class PipeProcessFunction(PipeProcessor processor)
{
    /// <summary>Every 10 seconds: new received mail through the pipes, and the retries that are due.</summary>
    [Function(nameof(PipeProcess))]
    public Task PipeProcess([TimerTrigger("5/10 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        processor.ProcessDueAsync(TimeSpan.FromSeconds(45), cancellationToken);
}
