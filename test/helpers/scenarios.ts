// Scenario texts more than one test runs.

/** A scenario that fails at step 3: it expects a name the customer does not have. */
export const FAILING_SCENARIO = `name: expects the wrong name
steps:
  - given:
      customcrm:
        customer:
          - {id: cu-1, name: Fjord AS, email: post@fjord.no, is_person: false, updated_at: "2026-01-01T10:00:00+00:00"}
  - sync: {}
  - expect:
      poweroffice:
        customers:
          - match: {Name: Fjell AS}
`;
