//! Correcting an intake (GDPR Art. 16): its fields can be edited until it is closed. The old
//! value is replaced, not kept; the log names the fields that changed, never a value.

use crate::audit::{self, Action};
use crate::error::{Error, Refusal, Result};
use crate::intake::{self, timestamp, DeviceType, Intake, IntakeInput, ServiceKind};
use crate::search;
use crate::vault::Vault;
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// The fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeEdit {
    #[serde(default)]
    pub device_type: Option<DeviceType>,
    #[serde(default)]
    pub make: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub serial: Option<String>,
    #[serde(default)]
    pub accessories: Option<String>,
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub fault: Option<String>,
    #[serde(default)]
    pub service: Option<ServiceKind>,
    #[serde(default)]
    pub estimate: Option<String>,
}

impl Vault {
    /// Replaces the given fields of an open intake, validated like a new one.
    pub fn edit_intake(&mut self, id: i64, edit: &IntakeEdit) -> Result<Intake> {
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let current = intake::load(&tx, id)?;
        if !current.status.is_open() {
            return Err(Error::Refused(Refusal::IntakeClosed {
                number: current.number,
            }));
        }
        let service = edit.service.unwrap_or(current.service);
        // Destruction has its own holding period and receipt terms; switching in or out of it
        // is a new intake, not a correction.
        if (service == ServiceKind::Destruction) != (current.service == ServiceKind::Destruction) {
            return Err(Error::Refused(Refusal::DestructionServiceFixed));
        }
        let pick = |new: &Option<String>, old: &str| new.clone().unwrap_or_else(|| old.to_string());
        let input = IntakeInput {
            customer_id: current.customer_id,
            device_type: edit.device_type.unwrap_or(current.device_type),
            make: pick(&edit.make, &current.make),
            model: pick(&edit.model, &current.model),
            serial: pick(&edit.serial, &current.serial),
            accessories: pick(&edit.accessories, &current.accessories),
            condition: pick(&edit.condition, &current.condition),
            fault: pick(&edit.fault, &current.fault),
            service,
            estimate: pick(&edit.estimate, &current.estimate),
            access: current.access,
            immediate_destruction: false,
        }
        .validated()?;
        let mut changed = Vec::new();
        let mut note = |name: &'static str, differs: bool| {
            if differs {
                changed.push(name);
            }
        };
        note("device_type", input.device_type != current.device_type);
        note("make", input.make != current.make);
        note("model", input.model != current.model);
        note("serial", input.serial != current.serial);
        note("accessories", input.accessories != current.accessories);
        note("condition", input.condition != current.condition);
        note("fault", input.fault != current.fault);
        note("service", input.service != current.service);
        note("estimate", input.estimate != current.estimate);
        if changed.is_empty() {
            return Ok(current);
        }
        tx.execute(
            "UPDATE intake SET device_type = ?1, make = ?2, model = ?3, serial = ?4, accessories = ?5,
                 condition = ?6, fault = ?7, service = ?8, estimate = ?9, updated_at = ?10 WHERE id = ?11",
            params![
                input.device_type.as_str(),
                input.make,
                input.model,
                input.serial,
                input.accessories,
                input.condition,
                input.fault,
                input.service.as_str(),
                input.estimate,
                timestamp(now),
                id
            ],
        )?;
        if changed.contains(&"serial") {
            search::reindex(&tx, current.customer_id)?;
        }
        audit::append(
            &tx,
            now,
            actor,
            Action::IntakeUpdated,
            Some(current.customer_id),
            Some(&format!("intake:{id}")),
            Some(&format!("fields={}", changed.join(","))),
        )?;
        let updated = intake::load(&tx, id)?;
        tx.commit()?;
        Ok(updated)
    }
}
