import Testing
import SimCore
import SimSupport

@Suite struct InferenceSchemaTests {
    static func parse(_ s: String) -> JSON { (try? JSONParser.parse(s)) ?? .null }

    static let schemas: [JSON] = [
        parse(##"{"type":"object","additionalProperties":false,"required":["name","age","email","tags","kind","id","when"],"properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":18,"maximum":99},"email":{"type":"string","format":"email"},"tags":{"type":"array","items":{"type":"string"},"minItems":2,"maxItems":4},"kind":{"enum":["a","b"]},"id":{"type":"string","format":"uuid"},"when":{"type":"string","format":"date"}}}"##),
        parse(##"{"type":"object","properties":{"score":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1},"note":{"type":["string","null"]},"fixed":{"const":"v1"},"n":{"type":"integer","multipleOf":5,"minimum":1,"maximum":100}},"required":["score","note","fixed","n"],"additionalProperties":false}"##),
        parse(##"{"$defs":{"node":{"type":"object","properties":{"label":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["label","children"],"additionalProperties":false}},"type":"object","properties":{"root":{"$ref":"#/$defs/node"}},"required":["root"],"additionalProperties":false}"##),
        parse(##"{"definitions":{"pet":{"anyOf":[{"type":"object","properties":{"cat":{"type":"boolean"}},"required":["cat"]},{"type":"null"}]}},"type":"object","properties":{"pets":{"type":"array","items":{"$ref":"#/definitions/pet"}},"flag":{"type":"boolean"}},"required":["pets","flag"]}"##),
    ]

    @Test func generatedValuesValidateAgainstTheirSchemaForManySeeds() {
        for schema in Self.schemas {
            for seed in 0..<40 {
                let v = SchemaValueGenerator.generate(schema, seed: UInt64(seed))
                let errors = SchemaValidator.validate(v, against: schema)
                #expect(errors.isEmpty, "seed \(seed): \(errors) for \(v.encodedString)")
            }
        }
    }

    @Test func generationIsAPureFunctionOfTheSeed() {
        let s = Self.schemas[0]
        #expect(SchemaValueGenerator.generate(s, seed: 7) == SchemaValueGenerator.generate(s, seed: 7))
        let distinct = Set((0..<10).map { SchemaValueGenerator.generate(s, seed: UInt64($0)).encodedString })
        #expect(distinct.count > 5)
    }

    @Test func placeLikePropertiesReuseProperNounsFromTheInput() {
        let s = Self.parse(##"{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}"##)
        let v = SchemaValueGenerator.generate(s, seed: 1, hints: .from("What is the weather in New York today?"))
        #expect(v["location"] == "New York")
    }

    @Test func validatorReportsEachProblemWithItsPath() {
        let schema = Self.schemas[0]
        let bad = Self.parse(##"{"name":3,"age":10,"email":"nope","tags":["x"],"kind":"c","id":"123","when":"yesterday","extra":true}"##)
        let errors = SchemaValidator.validate(bad, against: schema)
        for fragment in ["$.name: expected string", "$.age: 10 is below", "$.email: not a valid email", "$.tags: expected at least 2",
                         "$.kind:", "$.id: not a valid uuid", "$.when: not a valid date", "unexpected property 'extra'"] {
            #expect(errors.contains { $0.contains(fragment) }, "missing \(fragment) in \(errors)")
        }
        let missing = SchemaValidator.validate(.object([]), against: schema)
        #expect(missing.count == 7)
    }

    @Test func validatorHandlesTypeArraysAnyOfAndRefs() {
        let schema = Self.schemas[3]
        #expect(SchemaValidator.validate(Self.parse(##"{"pets":[null,{"cat":true}],"flag":false}"##), against: schema).isEmpty)
        #expect(!SchemaValidator.validate(Self.parse(##"{"pets":[{"dog":1}],"flag":false}"##), against: schema).isEmpty)
        #expect(SchemaValidator.validate(.null, against: Self.parse(##"{"type":["string","null"]}"##)).isEmpty)
        #expect(!SchemaValidator.validate(.int(1), against: Self.parse(##"{"type":["string","null"]}"##)).isEmpty)
        #expect(SchemaValidator.validate(.double(2.0), against: Self.parse(##"{"type":"integer"}"##)).isEmpty)
    }

    @Test func strictSchemasMustCloseAndRequireEveryObject() {
        #expect(StrictSchema.problem(Self.schemas[0]) == nil)
        let open = Self.parse(##"{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}"##)
        #expect(StrictSchema.problem(open)?.contains("'additionalProperties' is required to be supplied and to be false") == true)
        let partial = Self.parse(##"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a"],"additionalProperties":false}"##)
        #expect(StrictSchema.problem(partial)?.contains("Missing 'b'") == true)
    }

    @Test func unresolvableRefsAndHostileSchemasDoNotCrash() {
        let weird = Self.parse(##"{"type":"object","properties":{"a":{"$ref":"#/nope"},"b":{"type":"integer","minimum":1e300},"c":{"type":"array","minItems":-3},"d":{"$ref":"#"}},"required":["a","b","c","d"]}"##)
        let v = SchemaValueGenerator.generate(weird, seed: 3)
        #expect(v["a"] != nil && v["b"] != nil)
        _ = SchemaValidator.validate(v, against: weird)
    }
}

extension InferenceSchemaTests {
    @Test func hugeMinItemsFinishQuickly() {
        let nested = Self.parse(##"{"type":"array","minItems":1000,"items":{"type":"array","minItems":1000,"items":{"type":"array","minItems":1000,"items":{"type":"string"}}}}"##)
        let v = SchemaValueGenerator.generate(nested, seed: 1)
        #expect(v.arrayValue?.count == 256)
    }

    @Test func nestedAnyOfValidationIsBounded() {
        var anyOf: JSON = ["type": "string"]
        for _ in 0..<40 { anyOf = ["anyOf": [anyOf, anyOf]] }
        _ = SchemaValidator.validate(.int(1), against: anyOf)
    }

    @Test func selfReferentialAllOfEnds() {
        let selfRef = Self.parse(##"{"$defs":{"a":{"allOf":[{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"}"##)
        _ = SchemaValueGenerator.generate(selfRef, seed: 1)
        _ = SchemaValidator.validate(.int(1), against: selfRef)
    }
}
