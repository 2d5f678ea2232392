// Scenario texts more than one test runs.

/** A CRM customer "Fjord AS" synced, then PowerOffice expected to hold a customer named `expected`; `more` steps after. */
export const customerScenario = (name: string, expected: string, more = ''): string => `name: ${name}
steps:
  - given:
      customcrm:
        customer:
          - {id: cu-1, name: Fjord AS, email: post@fjord.no, is_person: false, updated_at: "2026-01-01T10:00:00+00:00"}
  - sync: {}
  - expect:
      poweroffice:
        customers:
          - match: {Name: ${expected}}
${more}`;

/** A scenario that fails at step 3: it expects a name the customer does not have. */
export const FAILING_SCENARIO = customerScenario('expects the wrong name', 'Fjell AS');
