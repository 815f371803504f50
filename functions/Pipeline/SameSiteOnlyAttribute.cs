namespace Moosermail.Functions.Pipeline;

/// <summary>
/// Refuses the function to cross-site browser requests whatever credential they carry. For the routes that
/// set or end the session cookie (login, signup, logout): a cross-site login would plant the attacker's
/// session in the victim's browser, and no cookie guards them because none is needed to call them.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SameSiteOnlyAttribute : Attribute
{
}
