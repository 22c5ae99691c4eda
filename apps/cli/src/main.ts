console.log("crm")
