namespace Moosermail.Functions.Pipeline;

/// <summary>
/// Marks a function that anyone may call. Authentication fails closed: every function without this
/// attribute requires a valid session or API key.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PublicFunctionAttribute : Attribute
{
}
