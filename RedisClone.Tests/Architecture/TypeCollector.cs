using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace RedisClone.Tests.Architecture;

/// <summary>Collects the assembly's own types named by signatures, type handles and IL tokens.</summary>
internal sealed class TypeCollector(MetadataReader reader) : ISignatureTypeProvider<ImmutableHashSet<TypeDefinitionHandle>, object?>
{
    private static readonly ImmutableHashSet<TypeDefinitionHandle> None = [];

    private static readonly Dictionary<short, System.Reflection.Emit.OperandType> Operands = typeof(System.Reflection.Emit.OpCodes)
        .GetFields()
        .Select(f => (System.Reflection.Emit.OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    public void AddType(EntityHandle handle, HashSet<TypeDefinitionHandle> used)
    {
        if (handle.IsNil)
        {
            return;
        }
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                used.Add((TypeDefinitionHandle)handle);
                break;
            case HandleKind.TypeSpecification:
                used.UnionWith(reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null));
                break;
        }
    }

    public void AddBody(MethodBodyBlock body, HashSet<TypeDefinitionHandle> used)
    {
        BlobReader il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
            {
                code = unchecked((short)(0xFE00 | il.ReadByte()));
            }
            switch (Operands[code])
            {
                case System.Reflection.Emit.OperandType.InlineNone:
                    break;
                case System.Reflection.Emit.OperandType.ShortInlineBrTarget:
                case System.Reflection.Emit.OperandType.ShortInlineI:
                case System.Reflection.Emit.OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case System.Reflection.Emit.OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case System.Reflection.Emit.OperandType.InlineI8:
                case System.Reflection.Emit.OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case System.Reflection.Emit.OperandType.InlineSwitch:
                    il.Offset += 4 * il.ReadInt32();
                    break;
                case System.Reflection.Emit.OperandType.InlineField:
                case System.Reflection.Emit.OperandType.InlineMethod:
                case System.Reflection.Emit.OperandType.InlineTok:
                case System.Reflection.Emit.OperandType.InlineType:
                    AddToken(MetadataTokens.EntityHandle(il.ReadInt32()), used);
                    break;
                default:
                    il.Offset += 4; // branch targets, 32-bit constants, strings, signatures
                    break;
            }
        }
    }

    private void AddToken(EntityHandle handle, HashSet<TypeDefinitionHandle> used)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                used.Add(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.FieldDefinition:
                used.Add(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MemberReference:
                AddToken(reader.GetMemberReference((MemberReferenceHandle)handle).Parent, used);
                break;
            case HandleKind.MethodSpecification:
                MethodSpecification spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddToken(spec.Method, used);
                foreach (ImmutableHashSet<TypeDefinitionHandle> argument in spec.DecodeSignature(this, null))
                {
                    used.UnionWith(argument);
                }
                break;
            default:
                AddType(handle, used);
                break;
        }
    }

    public ImmutableHashSet<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle handle, byte rawTypeKind) => [handle];
    public ImmutableHashSet<TypeDefinitionHandle> GetTypeFromReference(MetadataReader r, TypeReferenceHandle handle, byte rawTypeKind) => None;
    public ImmutableHashSet<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader r, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
        r.GetTypeSpecification(handle).DecodeSignature(this, context);
    public ImmutableHashSet<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => None;
    public ImmutableHashSet<TypeDefinitionHandle> GetSZArrayType(ImmutableHashSet<TypeDefinitionHandle> elementType) => elementType;
    public ImmutableHashSet<TypeDefinitionHandle> GetArrayType(ImmutableHashSet<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;
    public ImmutableHashSet<TypeDefinitionHandle> GetByReferenceType(ImmutableHashSet<TypeDefinitionHandle> elementType) => elementType;
    public ImmutableHashSet<TypeDefinitionHandle> GetPointerType(ImmutableHashSet<TypeDefinitionHandle> elementType) => elementType;
    public ImmutableHashSet<TypeDefinitionHandle> GetPinnedType(ImmutableHashSet<TypeDefinitionHandle> elementType) => elementType;
    public ImmutableHashSet<TypeDefinitionHandle> GetGenericInstantiation(ImmutableHashSet<TypeDefinitionHandle> genericType, ImmutableArray<ImmutableHashSet<TypeDefinitionHandle>> typeArguments) =>
        typeArguments.Aggregate(genericType, (all, argument) => all.Union(argument));
    public ImmutableHashSet<TypeDefinitionHandle> GetGenericMethodParameter(object? context, int index) => None;
    public ImmutableHashSet<TypeDefinitionHandle> GetGenericTypeParameter(object? context, int index) => None;
    public ImmutableHashSet<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<ImmutableHashSet<TypeDefinitionHandle>> signature) =>
        signature.ParameterTypes.Aggregate(signature.ReturnType, (all, p) => all.Union(p));
    public ImmutableHashSet<TypeDefinitionHandle> GetModifiedType(ImmutableHashSet<TypeDefinitionHandle> modifier, ImmutableHashSet<TypeDefinitionHandle> unmodifiedType, bool isRequired) => unmodifiedType;
}
