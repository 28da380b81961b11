using System.Reflection;
using System.Reflection.Emit;

namespace TicketingFunctions.Tests.Architecture;

/// <summary>What compiled code names: the types, methods and fields a method's IL refers to.</summary>
public static class MethodBodies
{
    public const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The product's assembly.</summary>
    public static Assembly Product => typeof(TicketingFunctions.Hosting.ServiceRegistration).Assembly;

    /// <summary>Every method and constructor of the assembly's types (nested ones too: lambdas, async state machines).</summary>
    public static IEnumerable<MethodBase> All(Assembly assembly) =>
        assembly.GetTypes().SelectMany(t => t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared)));

    /// <summary>The outermost type a type is nested in (itself when it is not nested): the code a lambda or a state machine belongs to.</summary>
    public static Type OwnerOf(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    /// <summary>The types a member named in a body brings in: the type itself, or a member's declaring type and signature.</summary>
    public static IEnumerable<Type> TypesOf(MemberInfo member)
    {
        if (member is Type type)
        {
            yield return type;
            yield break;
        }
        if (member.DeclaringType is { } declaring) yield return declaring;
        if (member is FieldInfo field) yield return field.FieldType;
        if (member is MethodBase called)
        {
            if (called is MethodInfo m) yield return m.ReturnType;
            foreach (var p in called.GetParameters()) yield return p.ParameterType;
            if (called.IsGenericMethod) foreach (var a in called.GetGenericArguments()) yield return a;
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The members (types, methods, constructors, fields) that the method's IL names, in order.</summary>
    public static IEnumerable<MemberInfo> MembersUsedBy(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var code = il[i] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[i + 1])] : OpCodesByValue[il[i]];
            i += code.Size;
            switch (code.OperandType)
            {
                case OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok:
                    if (method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArguments, methodArguments) is { } member)
                        yield return member;
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }
}
