using Moosermail.Core.Secrets;

namespace Moosermail.Core.Pipes;

/// <summary>A webhook pipe's whsec_ signing secret is bound to its team and pipe: copied to another row it does not decrypt.</summary>
public static class PipeSecrets
{
    public const string Purpose = "pipe_signing_secret";

    public static SecretContext Context(Guid teamId, Guid pipeId) => new(Purpose, teamId, pipeId);
}
